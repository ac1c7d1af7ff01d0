import { actorLabel } from "@/lib/auth/actor";
import { route } from "@/lib/http/route";
import { idempotentCall } from "@/lib/idempotency/idempotent";
import { adoptStripeAccount } from "@/lib/payments/adopt-stripe";
import { ZAdoptReportJson, ZAdoptRequest } from "@/lib/payments/adopt-stripe-schemas";

/** Adopting is idempotent by state (a second run changes nothing); an Idempotency-Key also replays the first answer. */
export const POST = route(
  {
    path: "/api/v1/admin/stripe/adopt",
    auth: "operator",
    body: ZAdoptRequest,
    idempotent: "optional-key",
    doc: {
      tag: "Admin",
      response: ZAdoptReportJson,
      summary: "Adopt existing Stripe customers, their subscriptions and past invoices",
      description:
        "Matches each Stripe customer to a Tally customer — already linked; metadata `tally_org_id` or `tally_customer_id` (Tally's id), `tally_external_id` (the external id); the billing email; the owner's email — or takes the operator's choice (`customer_id`, or `create: true` for a new Tally customer). `dry_run: true` answers the preview and writes nothing. Otherwise each customer is adopted in one transaction: the Stripe customer id is linked, the live subscription becomes the Tally subscription on the plan of its price (same period, status, trial and cancellation), and its finalized invoices are mirrored with Stripe's numbers and amounts. Nothing is written to Stripe. A customer linked to another Stripe customer is a conflict, never overwritten; a price that is no plan blocks the customer (sync plans from Stripe first). Adopting again changes nothing.",
      responses: {
        "200": "{dry_run, customers[], totals}",
        "400": "Invalid field (an unknown stripe_customer_id or customer_id names its field)",
        "403": "Not an admin",
        "409": "Stripe is not configured, or the Idempotency-Key was used with another body",
        "503": "Stripe could not be reached",
      },
    },
  },
  async ({ actor, body, idempotencyKey: key }) =>
    idempotentCall(
      key && !body.dry_run ? { orgId: null, scope: "stripe.adopt", key, request: body } : null,
      async () => ({ status: 200, body: await adoptStripeAccount(body, actorLabel(actor)) }),
    ),
);
