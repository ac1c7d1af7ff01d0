import { json, route } from "@/lib/http/route";
import { checkHealth } from "@/lib/ops/health";
import { ZHealthJson } from "@/lib/ops/schemas";

export const GET = route(
  {
    path: "/api/health",
    auth: "public",
    fast: true,
    doc: {
      tag: "Operations",
      response: ZHealthJson,
      summary: "Liveness and database readiness",
      responses: { "200": "Up", "503": "Database unreachable, or a write path (credit spends, ingestion) stuck" },
    },
  },
  async () => {
    const health = await checkHealth();
    return json(health, health.status === "ok" ? 200 : 503, { "cache-control": "no-store" });
  },
);
