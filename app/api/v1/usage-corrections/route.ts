import { json, route } from "@/lib/http/route";
import { ZPage } from "@/lib/http/schemas";
import { listCorrections, ZCorrectionJson, ZCorrectionList } from "@/lib/metering/corrections";

/** A customer's usage corrections, newest first: the audit trail of retractions. */
export const GET = route(
  {
    path: "/api/v1/usage-corrections",
    auth: "operator",
    query: ZCorrectionList,
    customer: "query",
    doc: {
      tag: "Usage events",
      response: ZPage(ZCorrectionJson),
      summary: "A customer's usage corrections (who, when, why, which events, status), newest first",
    },
  },
  async ({ query, customerId }) =>
    json(await listCorrections(customerId, { limit: query.limit, cursor: query.cursor })),
);
