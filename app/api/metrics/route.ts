import { route } from "@/lib/http/route";
import { metrics } from "@/lib/metrics";

export const GET = route({ auth: "public" }, async () => {
  const text = await metrics.registry.metrics();
  return new Response(text, { headers: { "content-type": metrics.registry.contentType, "cache-control": "no-store" } });
});
