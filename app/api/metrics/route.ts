import { AppError } from "@/lib/http/errors";
import { errorResponse, rawRoute } from "@/lib/http/route";
import { metrics } from "@/lib/metrics";
import { authorizeMetricsScrape } from "@/lib/ops/metrics-access";

/** Prometheus text. Outside route(): the METRICS_TOKEN bearer is not an API key, and a scrape is not an API request to count. */
export const GET = rawRoute(
  {
    path: "/api/metrics",
    auth: "operator",
    doc: {
      tag: "Operations",
      summary: "Prometheus metrics (text exposition format)",
      description:
        "Needs 'Authorization: Bearer <METRICS_TOKEN>', an admin session or a platform API key; open without credentials only when METRICS_TOKEN is unset and the server listens on loopback only (HOSTNAME_BIND).",
      responses: { "200": "Metrics", "401": "No credentials", "403": "Not an operator" },
    },
  },
  async (req, requestId) => {
    try {
      await authorizeMetricsScrape(req);
    } catch (e) {
      if (e instanceof AppError) return errorResponse(e, requestId);
      throw e;
    }
    const text = await metrics.registry.metrics();
    return new Response(text, {
      headers: { "content-type": metrics.registry.contentType, "cache-control": "no-store", "x-request-id": requestId },
    });
  },
);
