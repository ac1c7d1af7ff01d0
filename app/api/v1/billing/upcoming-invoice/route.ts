import { route } from "@/lib/http/route";
import { upcomingInvoice } from "@/lib/payments/upcoming-invoice";

export const GET = route({ auth: "customer" }, async ({ actor }) => upcomingInvoice(actor.orgId));
