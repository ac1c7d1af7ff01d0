import type { Operation } from "@/lib/http/openapi";

export const opsOperations: Operation[] = [
  { method: "get", path: "/api/health", tag: "Operations", auth: "public", summary: "Liveness and database readiness", responses: { "200": "Up", "503": "Database unreachable, or a write path (credit spends, ingestion) stuck" } },
  { method: "get", path: "/api/metrics", tag: "Operations", auth: "public", summary: "Prometheus metrics (text exposition format)" },
  { method: "post", path: "/api/webhooks/stripe", tag: "Operations", auth: "public", summary: "Stripe's signed webhook events", description: "Verified with STRIPE_WEBHOOK_SECRET over the raw body (5-minute tolerance); stored once by event id; duplicates acknowledged.", responses: { "200": "Received (or duplicate)", "400": "Bad or missing signature", "500": "Processing failed; Stripe retries", "503": "Webhooks not configured" } },
  { method: "get", path: "/api/v1/openapi.json", tag: "Operations", auth: "public", summary: "This document" },
];
