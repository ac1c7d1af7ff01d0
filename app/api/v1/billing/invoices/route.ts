import { route } from "@/lib/http/route";
import { invoiceJson } from "@/lib/payments/billing-queries";
import { ZListLimit } from "@/lib/payments/schemas";
import { listInvoices } from "@/lib/invoices/queries";

export const GET = route(
  {
    path: "/api/v1/billing/invoices",
    auth: "customer",
    query: ZListLimit,
    doc: {
      tag: "Billing",
      summary: "Your invoices, newest first, with PDF and hosted links",
    },
  },
  async ({ actor, query }) => ({
    data: (await listInvoices(actor.orgId, query.limit)).map(invoiceJson),
    next_cursor: null,
  }),
);
