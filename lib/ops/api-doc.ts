import type { Operation } from "@/lib/http/openapi";

export const opsOperations: Operation[] = [
  { method: "get", path: "/api/health", tag: "Operations", auth: "public", summary: "Liveness and database readiness", responses: { "200": "Up", "503": "Database unreachable, or a write path (credit spends, ingestion) stuck" } },
  {
    method: "get",
    path: "/api/metrics",
    tag: "Operations",
    auth: "operator",
    summary: "Prometheus metrics (text exposition format)",
    description: "Needs 'Authorization: Bearer <METRICS_TOKEN>', an admin session or a platform API key; open without credentials only when METRICS_TOKEN is unset and the server listens on loopback only (HOSTNAME_BIND).",
    responses: { "200": "Metrics", "401": "No credentials", "403": "Not an operator" },
  },
  { method: "post", path: "/api/webhooks/stripe", tag: "Operations", auth: "public", summary: "Stripe's signed webhook events", description: "Verified with STRIPE_WEBHOOK_SECRET over the raw body, read up to 1 MB (signature timestamp within 5 minutes of the server's clock, either way); the envelope (id, type, created, data.object) validated; stored once by event id; duplicates acknowledged. With STRIPE_SECRET_KEY every object is re-read from Stripe before it is applied; an event whose object Stripe does not have, or whose payment does not match the credit pack's price, is refused (200, logged as ignored with the reason).", responses: { "200": "Received, duplicate, or refused (see outcome)", "400": "Bad, missing, stale or future-dated signature, or a malformed event", "413": "Body over 1 MB", "500": "Processing failed (or Stripe could not be read); Stripe retries", "503": "Webhooks not configured" } },
  { method: "get", path: "/api/v1/openapi.json", tag: "Operations", auth: "public", summary: "This document" },
];
