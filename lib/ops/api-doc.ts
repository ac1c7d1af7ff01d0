import type { Operation } from "@/lib/http/openapi";

export const opsOperations: Operation[] = [
  { method: "get", path: "/api/health", tag: "Operations", auth: "public", summary: "Liveness and database readiness", responses: { "200": "Up", "503": "Database unreachable" } },
  {
    method: "get",
    path: "/api/metrics",
    tag: "Operations",
    auth: "operator",
    summary: "Prometheus metrics (text exposition format)",
    description: "Needs 'Authorization: Bearer <METRICS_TOKEN>', an admin session or a platform API key; open without credentials only when METRICS_TOKEN is unset and the server listens on loopback only (HOSTNAME_BIND).",
    responses: { "200": "Metrics", "401": "No credentials", "403": "Not an operator" },
  },
  { method: "post", path: "/api/webhooks/stripe", tag: "Operations", auth: "public", summary: "Stripe's signed webhook events", description: "Verified with STRIPE_WEBHOOK_SECRET over the raw body (5-minute tolerance); stored once by event id; duplicates acknowledged.", responses: { "200": "Received (or duplicate)", "400": "Bad or missing signature", "500": "Processing failed; Stripe retries", "503": "Webhooks not configured" } },
  { method: "get", path: "/api/v1/openapi.json", tag: "Operations", auth: "public", summary: "This document" },
];
