import { route } from "@/lib/http/route";
import { paymentMethodJson } from "@/lib/payments/billing-queries";
import { listPaymentMethods } from "@/lib/payments/payment-methods";

export const GET = route({ auth: "customer" }, async ({ actor }) => ({ data: (await listPaymentMethods(actor.orgId)).map(paymentMethodJson), next_cursor: null }));
