import { route } from "@/lib/http/route";
import { invoiceJson } from "@/lib/payments/billing-queries";
import { ZListLimit } from "@/lib/payments/schemas";
import { listInvoices } from "@/lib/invoices/queries";

export const GET = route({ auth: "customer", query: ZListLimit }, async ({ actor, query }) => ({ data: (await listInvoices(actor.orgId, query.limit)).map(invoiceJson), next_cursor: null }));
