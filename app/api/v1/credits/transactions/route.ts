import { listLedger } from "@/lib/credits/ledger";
import { ZLedgerPageJson, ZLedgerQuery } from "@/lib/credits/schemas";
import { ledgerEntryJson } from "@/lib/credits/serialize";
import { route } from "@/lib/http/route";

export const GET = route(
  {
    path: "/api/v1/credits/transactions",
    auth: "any",
    query: ZLedgerQuery,
    customer: "query",
    doc: {
      tag: "Credits",
      response: ZLedgerPageJson,
      summary: "The ledger, newest first, cursor-paginated and filterable",
    },
  },
  async ({ query, customerId: orgId }) => {
    const page = await listLedger(orgId, {
      limit: query.limit,
      cursor: query.cursor,
      kind: query.kind,
      source: query.source,
      eventName: query.event_name,
      reservationId: query.reservation_id,
      operationId: query.operation_id,
    });
    return { data: page.data.map(ledgerEntryJson), next_cursor: page.nextCursor };
  },
);
