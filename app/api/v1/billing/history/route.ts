import { route } from "@/lib/http/route";
import { listPayments, paymentJson } from "@/lib/payments/billing-queries";
import { ZListLimit } from "@/lib/payments/schemas";

/** Payments and credit purchases, newest first, failed and refunded ones included. */
export const GET = route(
  {
    path: "/api/v1/billing/history",
    auth: "customer",
    query: ZListLimit,
    doc: {
      tag: "Billing",
      summary: "Your payments and credit purchases, failed and refunded ones included",
    },
  },
  async ({ actor, query }) => ({
    data: (await listPayments(actor.orgId, query.limit)).map(paymentJson),
    next_cursor: null,
  }),
);
