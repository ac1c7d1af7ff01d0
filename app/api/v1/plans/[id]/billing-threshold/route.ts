import { z } from "zod";
import { actorLabel } from "@/lib/auth/actor";
import { route } from "@/lib/http/route";
import { ZIdParams } from "@/lib/http/schemas";
import { ZBillingThresholdJson } from "@/lib/payments/schemas";
import { setPlanBillingThreshold } from "@/lib/payments/threshold-invoicing";

const ZBillingThreshold = z.object({
  amount_cents: z
    .number()
    .int()
    .min(1)
    .max(Number.MAX_SAFE_INTEGER)
    .nullable()
    .describe("Invoice mid-period when the unbilled usage reaches this (minor units); null turns it off"),
});

export const PUT = route(
  {
    path: "/api/v1/plans/{id}/billing-threshold",
    auth: "operator",
    params: ZIdParams,
    body: ZBillingThreshold,
    doc: {
      tag: "Plans",
      response: ZBillingThresholdJson,
      summary: "Invoice subscribers mid-period whenever their unbilled usage reaches an amount",
      description:
        "Usage and call costs rated for the period's invoice and not yet invoiced are invoiced as soon as they reach `amount_cents` (checked every minute): a Tally invoice charged at once (sandbox card) or left open (invoice billing), or invoice items on a one-off Stripe invoice that Stripe charges at once. The period-end invoice bills only the rest. Credit overage stays on the period-end invoice. PUT is idempotent.",
      responses: { "200": "OK", "400": "Invalid field", "404": "Not found" },
    },
  },
  async ({ actor, params, body }) => setPlanBillingThreshold(params.id, body.amount_cents, actorLabel(actor)),
);
