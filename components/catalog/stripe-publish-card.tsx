// The plan page's Stripe card (Stripe rail only): the linked product and price, whether they are in
// step with this version, what differs, and the button that publishes the plan.
import { ActionButton } from "@/components/ui/action-button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { StripeStatusBadge } from "./stripe-status-badge";
import type { PlanStripeStatus, StripeDifference } from "@/lib/catalog/plan-stripe-status";
import { formatMoney } from "@/lib/format";
import type { FormActionFn } from "@/lib/http/action-state";

const FIELD_LABELS: Record<StripeDifference["field"], string> = {
  name: "Name",
  description: "Description",
  unit_amount: "Base price",
  currency: "Currency",
  interval: "Interval",
  active: "For sale",
  price: "Linked price",
};

function differenceText(d: StripeDifference, currency: string): string {
  const show = (v: string) => {
    if (d.field === "unit_amount") return formatMoney(Number(v), currency);
    if (d.field === "active") return v === "true" ? "for sale" : "archived";
    return v === "" ? "(none)" : v;
  };
  return `${FIELD_LABELS[d.field]}: ${show(d.stripe)} at Stripe, ${show(d.plan)} here`;
}

export function StripePublishCard<T>({
  plan,
  status,
  differences,
  afterSave,
  action,
}: {
  plan: {
    id: string;
    name: string;
    version: number;
    isLatest: boolean;
    currency: string;
    stripeProductId: string | null;
    stripePriceId: string | null;
  };
  status: PlanStripeStatus;
  differences: StripeDifference[];
  /** The editor's save just tried to publish and failed: why. */
  afterSave?: "stripe_unavailable" | "refused";
  action: FormActionFn<T>;
}) {
  return (
    <Card className="min-w-0 lg:col-span-3" aria-labelledby="stripe-card-title">
      <CardHeader
        title={<span id="stripe-card-title">Stripe</span>}
        description="Only the flat recurring base price becomes a Stripe price. Usage and fixed charges are rated by Tally and added to each Stripe invoice as invoice items."
        action={<StripeStatusBadge status={status} />}
      />
      <CardBody>
        {afterSave && (
          <p
            role="alert"
            className="mb-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200"
          >
            {afterSave === "stripe_unavailable"
              ? "Your changes are saved, but Stripe could not be reached, so Stripe still sells the old terms. Publish again once Stripe answers."
              : "Your changes are saved, but Stripe refused the update, so it still sells the old terms. Publish again to see why."}
          </p>
        )}
        <dl className="grid gap-3 text-sm sm:grid-cols-2">
          <div>
            <dt className="text-zinc-500">Product</dt>
            <dd className="font-mono text-xs" data-testid="stripe-product-id">
              {plan.stripeProductId ?? "None yet"}
            </dd>
          </div>
          <div>
            <dt className="text-zinc-500">Price (this version)</dt>
            <dd className="font-mono text-xs" data-testid="stripe-price-id">
              {plan.stripePriceId ?? "None yet"}
            </dd>
          </div>
        </dl>
        {status === "out_of_step" && differences.length > 0 && (
          <ul className="mt-3 list-disc space-y-1 pl-5 text-sm text-amber-900" data-testid="stripe-differences">
            {differences.map((d) => (
              <li key={d.field}>{differenceText(d, plan.currency)}</li>
            ))}
          </ul>
        )}
        <div className="mt-4 flex flex-wrap items-center justify-between gap-3">
          <p className="text-sm text-zinc-600">
            {!plan.isLatest
              ? "This version has been replaced: publish the newest version (its price replaces this one's)."
              : status === "not_published"
                ? "Publishing creates the product and price in Stripe, so Stripe checkout can sell this plan. You never create it twice."
                : status === "in_step"
                  ? "Every change — in the editor, on or off sale, over the API — publishes it again; a new base price becomes a new Stripe price and the old one is archived (its subscribers keep it)."
                  : "Publish to bring Stripe in step with this version."}
          </p>
          {plan.isLatest && (
            <ActionButton
              action={action}
              fields={{ id: plan.id }}
              label={status === "not_published" ? "Publish to Stripe" : "Publish again"}
              pendingLabel="Publishing…"
              variant={status === "in_step" ? "secondary" : "primary"}
            />
          )}
        </div>
      </CardBody>
    </Card>
  );
}
