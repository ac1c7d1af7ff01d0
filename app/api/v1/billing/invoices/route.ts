import { ACTS_FOR_CUSTOMER_DOC } from "@/lib/payments/acting-for";
import { route } from "@/lib/http/route";
import { invoiceJson } from "@/lib/payments/billing-queries";
import { ZBillingList, ZInvoicePage } from "@/lib/payments/schemas";
import { listInvoices } from "@/lib/invoices/queries";

export const GET = route(
  {
    path: "/api/v1/billing/invoices",
    auth: "any",
    query: ZBillingList,
    customer: "query",
    doc: {
      response: ZInvoicePage,
      tag: "Billing",
      summary: "A customer's invoices, newest first, with PDF and hosted links",
      description: ACTS_FOR_CUSTOMER_DOC,
    },
  },
  async ({ customerId, query }) => ({
    data: (await listInvoices(customerId, query.limit)).map(invoiceJson),
    next_cursor: null,
  }),
);
