// Whether a plan is in step with its Stripe price: what Stripe should hold for the plan (only the flat
// recurring base price: usage charges are rated by Tally and billed as invoice items), compared with
// the snapshot of what it held when Tally last published or pulled the plan. Pure: no I/O.
import type { Plan, StripePlanSnapshot } from "@/lib/db/schema/catalog";
import { planStatus } from "./plan-status";

export const PLAN_STRIPE_STATUSES = ["not_published", "in_step", "out_of_step", "unknown"] as const;
/**
 * not_published: no Stripe price is linked. in_step: the linked price and product are what the plan
 * says. out_of_step: something differs (publish again). unknown: linked before Tally kept snapshots
 * (publish, or sync from Stripe, to find out).
 */
export type PlanStripeStatus = (typeof PLAN_STRIPE_STATUSES)[number];

/** Price metadata naming the Tally plan a price was published for: the pull sync leaves such prices to Tally. */
export const PUBLISHED_PLAN_CODE_METADATA = "tally_plan_code";

export type StripeWanted = Omit<StripePlanSnapshot, "product_id" | "price_id" | "seen_at">;

/** What Stripe should hold for this plan version: its labels, its base price, and for sale only while the plan is. */
export function stripeWanted(plan: Plan): StripeWanted {
  return {
    name: plan.name,
    description: plan.description,
    unit_amount: plan.basePriceCents,
    currency: plan.currency,
    interval: plan.interval,
    active: planStatus(plan) === "on_sale",
  };
}

export type StripeDifference = { field: keyof StripeWanted | "price"; stripe: string; plan: string };

/** What differs between the plan and its linked Stripe price, as last seen; empty when in step. */
export function stripeDifferences(plan: Plan): StripeDifference[] {
  const seen = plan.stripeSnapshot;
  if (!plan.stripePriceId || !seen) return [];
  if (seen.price_id !== plan.stripePriceId)
    return [{ field: "price", stripe: seen.price_id, plan: plan.stripePriceId }];
  const want = stripeWanted(plan);
  const out: StripeDifference[] = [];
  for (const field of ["name", "description", "unit_amount", "currency", "interval", "active"] as const)
    if (want[field] !== seen[field]) out.push({ field, stripe: String(seen[field]), plan: String(want[field]) });
  return out;
}

export function planStripeStatus(plan: Plan): PlanStripeStatus {
  if (!plan.stripePriceId) return "not_published";
  if (!plan.stripeSnapshot) return "unknown";
  return stripeDifferences(plan).length ? "out_of_step" : "in_step";
}
