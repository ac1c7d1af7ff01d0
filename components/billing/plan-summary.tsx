import { Badge, StatusBadge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { formatDate, formatInteger, formatMoney } from "@/lib/format";

export type PlanSummaryProps = {
  plan: {
    name: string;
    interval: "month" | "year";
    basePriceCents: number;
    currency: string;
    includedCredits: number;
    limits: { meter: string; limit: number; enforcement: string }[];
  };
  /** What the plan grants (lib/payments/billing-page.ts): "Included" for a boolean feature, else its value. */
  features?: { key: string; name: string; value: string }[];
  subscription: {
    status: string;
    currentPeriodStart: Date;
    currentPeriodEnd: Date;
    trialEnd: Date | null;
    cancelAtPeriodEnd: boolean;
  };
  /** Terms an operator's override sets for this customer (lib/overrides: `included_credits`, `feature:<key>`), marked "custom". */
  custom?: string[];
  /** Usage prices an operator set for this customer alone, in words. */
  customPrices?: { name: string; price: string }[];
  /** The live coupon, when one lasts (lib/coupons/customer-discount.ts). */
  discount?: {
    couponName: string;
    promotionCode: string | null;
    terms: string;
    startsAt: Date;
    endsAt: Date | null;
  } | null;
} | null;

/** Beside a term an operator set for this customer alone. */
export function CustomBadge() {
  return (
    <Badge tone="brand" className="ml-1">
      custom
    </Badge>
  );
}

export function PlanSummary({ current, emptyAction }: { current: PlanSummaryProps; emptyAction?: React.ReactNode }) {
  if (!current) {
    return (
      <EmptyState title="No subscription yet" action={emptyAction}>
        Choose a plan to start metering usage and receiving included credits.
      </EmptyState>
    );
  }
  const { plan, subscription: sub, discount, features = [], custom = [], customPrices = [] } = current;
  const mark = (key: string) => (custom.includes(key) ? <CustomBadge /> : null);
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <div className="flex items-center gap-2">
          <span className="text-lg font-semibold text-zinc-900">{plan.name}</span>
          <StatusBadge status={sub.status} />
          {sub.cancelAtPeriodEnd && (
            <span className="text-xs font-medium text-amber-700">Cancels {formatDate(sub.currentPeriodEnd)}</span>
          )}
        </div>
        <span className="tabular text-lg font-semibold text-zinc-900">
          {formatMoney(plan.basePriceCents, plan.currency)}
          <span className="text-sm font-normal text-zinc-500"> / {plan.interval}</span>
        </span>
      </div>
      <dl className="grid grid-cols-2 gap-x-6 gap-y-3 text-sm sm:grid-cols-3">
        <div>
          <dt className="text-zinc-500">Current period</dt>
          <dd className="text-zinc-900">
            {formatDate(sub.currentPeriodStart)} – {formatDate(sub.currentPeriodEnd)}
          </dd>
        </div>
        {sub.trialEnd && sub.status === "trialing" && (
          <div>
            <dt className="text-zinc-500">Trial ends</dt>
            <dd className="text-zinc-900">{formatDate(sub.trialEnd)}</dd>
          </div>
        )}
        {discount && (
          <div className="col-span-2" data-testid="active-discount">
            <dt className="text-zinc-500">Discount</dt>
            <dd className="text-zinc-900">
              {discount.promotionCode ?? discount.couponName}: {discount.terms}
              <div className="text-xs text-zinc-500">
                {discount.startsAt > new Date() ? `Starts ${formatDate(discount.startsAt)}; ` : ""}
                {discount.endsAt ? `ends ${formatDate(discount.endsAt)}` : "does not end"}
              </div>
            </dd>
          </div>
        )}
        <div>
          <dt className="text-zinc-500">Included credits</dt>
          <dd className="tabular text-zinc-900">
            {formatInteger(plan.includedCredits)} a month{mark("included_credits")}
          </dd>
        </div>
        {plan.limits.map((l) => (
          <div key={l.meter}>
            <dt className="text-zinc-500">Limit</dt>
            <dd className="tabular text-zinc-900">
              {formatInteger(l.limit)} {l.meter.replace(/_/g, " ")} a month{" "}
              <span className="text-zinc-500">({l.enforcement})</span>
              {mark(`feature:${l.meter}`)}
            </dd>
          </div>
        ))}
        {customPrices.map((p) => (
          <div key={p.name} className="col-span-2" data-testid="custom-price">
            <dt className="text-zinc-500">{p.name}</dt>
            <dd className="break-words text-zinc-900">
              {p.price}
              <CustomBadge />
            </dd>
          </div>
        ))}
        {features.map((f) => (
          <div key={f.key} data-testid="plan-feature">
            <dt className="text-zinc-500">{f.name}</dt>
            <dd className="tabular text-zinc-900">
              {f.value}
              {mark(`feature:${f.key}`)}
            </dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
