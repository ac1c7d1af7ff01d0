import { actorLabel } from "@/lib/auth/actor";
import { route } from "@/lib/http/route";
import { idempotentCall } from "@/lib/idempotency/idempotent";
import { IDEMPOTENCY_KEY_DOC } from "@/lib/idempotency/doc";
import { ACTS_FOR_CUSTOMER_DOC, assertMayManageBilling, withoutCustomer } from "@/lib/payments/acting-for";
import { ZBillingCustomerQuery } from "@/lib/payments/schemas";
import { ZAddonChangeJson, ZAddonQuantity, ZCustomerAddonsJson } from "@/lib/addons/schemas";
import { customerAddons, previewAddonChange, setAddonQuantity } from "@/lib/addons/subscription-addons";

export const GET = route(
  {
    path: "/api/v1/billing/addons",
    auth: "any",
    query: ZBillingCustomerQuery,
    customer: "query",
    doc: {
      tag: "Billing",
      response: ZCustomerAddonsJson,
      summary: "The add-ons your subscription holds, and those you may add",
      description: ACTS_FOR_CUSTOMER_DOC,
      responses: { "200": "OK", "400": "A platform key without customer_id" },
    },
  },
  async ({ customerId }) => customerAddons(customerId),
);

/** `preview: true` answers the charge without changing anything (and claims no key). */
export const POST = route(
  {
    path: "/api/v1/billing/addons",
    auth: "any",
    body: ZAddonQuantity,
    customer: "body",
    idempotent: "optional-key",
    doc: {
      tag: "Billing",
      response: ZAddonChangeJson,
      summary: "Buy, change or remove an add-on: set how many units your subscription holds",
      description:
        "`quantity` 0 removes it. A recurring add-on changed mid-period is prorated for the rest of the period (a charge when adding, a credit when removing) on the period's invoice, and billed in full with the plan fee from the next period on; a trial is free. A one-time add-on's price is charged once per purchase. On a Stripe-billed subscription a recurring add-on is a Stripe subscription item (Stripe invoices the proration at once) and a one-time add-on an invoice item on the subscription's next Stripe invoice. Sending the quantity held already changes nothing. Owners and operators change add-ons; members only read. " +
        ACTS_FOR_CUSTOMER_DOC +
        " " +
        IDEMPOTENCY_KEY_DOC,
      responses: {
        "200": "The change (or its preview)",
        "400": "No such add-on, it does not fit the plan, or more than its maximum quantity",
        "403": "A member, or another customer's customer_id",
        "404": "No current subscription",
        "409": "The first payment is pending",
        "503": "Stripe did not answer (a Stripe-billed subscription); nothing changed, try again",
      },
    },
  },
  async ({ actor, body, customerId, idempotencyKey: key }) => {
    assertMayManageBilling(actor);
    if (body.preview) return { body: await previewAddonChange(customerId, body.addon, body.quantity), replayed: false };
    return idempotentCall(
      key ? { orgId: customerId, scope: "billing.addons", key, request: withoutCustomer(body) } : null,
      async () => ({
        status: 200,
        body: await setAddonQuantity(customerId, body.addon, body.quantity, actorLabel(actor), new Date(), {
          reason: body.reason,
        }),
      }),
    );
  },
);
