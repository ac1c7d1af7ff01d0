import { json, route } from "@/lib/http/route";
import { checkHealth } from "@/lib/ops/health";

export const GET = route({ auth: "public" }, async () => {
  const health = await checkHealth();
  return json(health, health.status === "ok" ? 200 : 503, { "cache-control": "no-store" });
});
