// Publishing a Tally plan to Stripe: one product per plan code, one flat recurring price per plan
// version (the base price; usage charges are rated by Tally and billed as invoice items, so they
// never become Stripe prices). Stripe prices are immutable, and a version's price names the version:
// a new version gets a new price on the same product, and the old price is archived (it still bills
// the subscriptions on it, but sells to no one new). Publishing is idempotent: Stripe is read first and
// only what differs is written; every create carries an idempotency key made from what it creates.
// The Stripe calls run outside any transaction; the link is written after, in one.
import "server-only";
import { createHash } from "node:crypto";
import { and, eq, isNotNull, ne, sql } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { plans, type Plan, type StripePlanSnapshot } from "@/lib/db/schema";
import { AppError, conflict } from "@/lib/http/errors";
import { log } from "@/lib/log";
import { paymentRail } from "@/lib/payments/provider";
import {
  createProduct,
  createRecurringPrice,
  retrievePrice,
  retrieveProduct,
  setPriceActive,
  updateProduct,
  type StripePriceInfo,
  type StripeProductInfo,
} from "@/lib/stripe/catalog";
import { getPlan } from "./plans";
import { PUBLISHED_PLAN_CODE_METADATA, stripeWanted } from "./plan-stripe-status";

/** published: the plan had no Stripe price and has one now; updated: something at Stripe or in the link changed; unchanged: it was in step. */
export type PublishOutcome = "published" | "updated" | "unchanged";

export type PublishResult = { plan: Plan; outcome: PublishOutcome; archivedPriceId: string | null };

/** An idempotency key naming what is created: a retry creates nothing twice, other parameters never reuse a key. */
const keyFor = (what: string, planId: string, params: unknown) =>
  `tally-plan-${what}:${planId}:${createHash("sha256").update(JSON.stringify(params)).digest("hex").slice(0, 24)}`;

export function snapshotOf(price: StripePriceInfo, seenAt = new Date()): StripePlanSnapshot {
  return {
    product_id: price.product.id,
    price_id: price.id,
    name: price.product.name,
    description: price.product.description ?? "",
    unit_amount: price.unitAmount ?? 0,
    currency: price.currency,
    interval: price.interval ?? "",
    active: price.active && price.product.active,
    seen_at: seenAt.toISOString(),
  };
}

/** The same Stripe state, whenever seen (field by field: jsonb keeps its own key order). */
export const sameSnapshot = (a: StripePlanSnapshot, b: StripePlanSnapshot) =>
  (["product_id", "price_id", "name", "description", "unit_amount", "currency", "interval", "active"] as const).every(
    (k) => a[k] === b[k],
  );

/** Refuses what cannot be published, saying what to do instead. */
export function assertPublishable(plan: Plan): void {
  const rail = paymentRail();
  if (rail !== "stripe")
    throw conflict(
      `Stripe is not this installation's payment rail (PAYMENTS=${rail}), so plans are not published to Stripe. Set STRIPE_SECRET_KEY (and PAYMENTS=stripe) to bill through Stripe.`,
    );
  if (!plan.isLatest)
    throw conflict(
      `Plan ${plan.code} v${plan.version} has been replaced by a newer version; publish the newest one (it replaces this version's price).`,
    );
}

export async function publishPlanToStripe(planId: string): Promise<PublishResult> {
  const plan = await getPlan(planId);
  assertPublishable(plan);
  const want = stripeWanted(plan);
  let changed = false;

  const linked = plan.stripePriceId ? await retrievePrice(plan.stripePriceId) : null;
  // A plan linked before product ids were kept publishes to its price's product.
  const productId = plan.stripeProductId ?? linked?.product.id ?? null;
  let product: StripeProductInfo | null = productId ? await retrieveProduct(productId) : null;
  if (!product) {
    const input = {
      name: want.name,
      description: want.description,
      metadata: { [PUBLISHED_PLAN_CODE_METADATA]: plan.code, tally_tier: plan.tier },
    };
    product = await createProduct(input, keyFor("product", plan.id, input));
    changed = true;
  } else if (
    product.name !== want.name ||
    (product.description ?? "") !== want.description ||
    (want.active && !product.active)
  ) {
    product = await updateProduct(product.id, {
      name: want.name,
      description: want.description,
      // A plan on sale needs its product for sale; off sale, only its price is archived (the product
      // may carry other plans' prices).
      ...(want.active && !product.active ? { active: true } : {}),
    });
    changed = true;
  }

  // Each version has a price of its own: a new version still carrying its predecessor's price gets
  // one, so Stripe's subscriptions name the version they pay for (and subscribers can be moved).
  const inherited =
    plan.stripePriceId !== null &&
    (
      await db
        .select({ id: plans.id })
        .from(plans)
        .where(and(eq(plans.stripePriceId, plan.stripePriceId), ne(plans.id, plan.id)))
        .limit(1)
    ).length > 0;
  const fits =
    linked !== null &&
    !inherited &&
    linked.product.id === product.id &&
    linked.unitAmount === want.unit_amount &&
    linked.currency === want.currency &&
    linked.interval === want.interval;
  let price: StripePriceInfo;
  if (fits) {
    price = { ...linked, product };
    if (linked.active !== want.active) {
      await setPriceActive(linked.id, want.active);
      price = { ...price, active: want.active };
      changed = true;
    }
  } else {
    const input = {
      product,
      unitAmount: want.unit_amount,
      currency: want.currency,
      interval: plan.interval,
      lookupKey: plan.code,
      active: want.active,
      metadata: {
        [PUBLISHED_PLAN_CODE_METADATA]: plan.code,
        tally_plan_id: plan.id,
        tally_plan_version: String(plan.version),
      },
    };
    price = await createRecurringPrice(input, keyFor("price", plan.id, { ...input, product: product.id }));
    changed = true;
  }
  // The replaced price keeps billing its subscriptions; archived, it is sold to no one new.
  const archivedPriceId = linked && linked.id !== price.id && linked.active ? linked.id : null;
  if (archivedPriceId) await setPriceActive(archivedPriceId, false);

  const snapshot = snapshotOf(price);
  const linkChanged =
    plan.stripeProductId !== product.id ||
    plan.stripePriceId !== price.id ||
    !plan.stripeSnapshot ||
    !sameSnapshot(plan.stripeSnapshot, snapshot);
  if (!changed && !linkChanged) return { plan, outcome: "unchanged", archivedPriceId: null };

  const linkedPlan = await db.transaction(async (tx) => {
    const [current] = await tx.select().from(plans).where(eq(plans.id, plan.id)).for("update");
    if (
      !current?.isLatest ||
      current.basePriceCents !== plan.basePriceCents ||
      current.currency !== plan.currency ||
      current.interval !== plan.interval
    )
      throw conflict(`Plan ${plan.code} changed while it was being published; publish its newest version again.`);
    const [p] = await tx
      .update(plans)
      .set({ stripeProductId: product.id, stripePriceId: price.id, stripeSnapshot: snapshot })
      .where(eq(plans.id, plan.id))
      .returning();
    if (archivedPriceId)
      await tx
        .update(plans)
        .set({ stripeSnapshot: sql`jsonb_set(${plans.stripeSnapshot}, '{active}', 'false'::jsonb)` })
        .where(and(eq(plans.stripePriceId, archivedPriceId), ne(plans.id, plan.id), isNotNull(plans.stripeSnapshot)));
    return p!;
  });
  return {
    plan: linkedPlan,
    outcome: plan.stripePriceId === null ? "published" : "updated",
    archivedPriceId,
  };
}

/** What publishing after a save did: not_linked (never published, or not the Stripe rail), published, or failed. */
export type AfterSavePublish =
  | { status: "not_linked" }
  | { status: "published"; outcome: PublishOutcome; plan: Plan }
  | { status: "failed"; reason: "stripe_unavailable" | "refused"; message: string };

/** A plan just changed, published again when linked: the plan as it now is, and what Stripe was told. */
export async function republishAfterChange(plan: Plan): Promise<{ plan: Plan; stripe: AfterSavePublish }> {
  const stripe = await publishIfLinked(plan);
  return { plan: stripe.status === "published" ? stripe.plan : plan, stripe };
}

/** An API answer's `stripe_publish` (ZPlanStripePublish). */
export function stripePublishJson(p: AfterSavePublish) {
  if (p.status === "published") return { status: p.status, outcome: p.outcome, message: null };
  if (p.status === "failed") return { status: p.status, outcome: null, message: p.message };
  return { status: p.status, outcome: null, message: null };
}

/**
 * Keeps a plan that is linked to Stripe in step after an edit saved it. The edit is committed before
 * this runs, so a Stripe that is down loses nothing: the plan shows out_of_step until published again.
 */
export async function publishIfLinked(plan: Plan): Promise<AfterSavePublish> {
  if (!plan.stripePriceId || !plan.isLatest || paymentRail() !== "stripe") return { status: "not_linked" };
  try {
    const r = await publishPlanToStripe(plan.id);
    return { status: "published", outcome: r.outcome, plan: r.plan };
  } catch (e) {
    log.warn({ err: e, plan_id: plan.id }, "publishing a saved plan to Stripe failed; it stays out of step");
    if (e instanceof AppError && e.code === "provider_unavailable")
      return { status: "failed", reason: "stripe_unavailable", message: e.message };
    return {
      status: "failed",
      reason: "refused",
      message: e instanceof AppError ? e.message : "Publishing failed on our side.",
    };
  }
}
