import type { Operation } from "@/lib/http/openapi";

export const opsOperations: Operation[] = [
  { method: "get", path: "/api/health", tag: "Operations", auth: "public", summary: "Liveness and database readiness", responses: { "200": "Up", "503": "Database unreachable" } },
  { method: "get", path: "/api/metrics", tag: "Operations", auth: "public", summary: "Prometheus metrics (text exposition format)" },
  { method: "get", path: "/api/v1/openapi.json", tag: "Operations", auth: "public", summary: "This document" },
];
