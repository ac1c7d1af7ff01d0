// A subscription's add-ons: set how many units of an add-on it holds (0 removes it), by the
// customer or an operator acting for it, in one transaction under the subscription's row lock.
// A recurring add-on changed mid-period is prorated as a plan change is (lib/payments/proration,
// one rounding step): the charge or credit waits for the period's invoice as its own line
// (addon_charges → period-lines). A one-time add-on's price is charged once per purchase the same
// way. Credits an add-on grants go through the credits ledger, once per allocation window. On Stripe
// a recurring add-on is a subscription item and a one-time one an invoice item (changeOnStripe).
import "server-only";
import { and, eq, isNull } from "drizzle-orm";
import { db, type Executor } from "@/lib/db/client";
import { addons, organizations, plans, subscriptionAddons, subscriptions, type Addon } from "@/lib/db/schema";
import { AppError, conflict, invalidField, notFound } from "@/lib/http/errors";
import { minorToDecimal } from "@/lib/money";
import { applyStripeSubscription } from "@/lib/payments/subscription-sync";
import {
  addPendingInvoiceItem,
  addSubscriptionItem,
  createAddonPrice,
  deleteSubscriptionItem,
  setSubscriptionItemQuantity,
} from "@/lib/stripe/addons";
import { ADDON_ITEM_METADATA, retrieveSubscription } from "@/lib/stripe/billing";
import { liveSubscription } from "@/lib/subscriptions/subscribe";
import { applyAddonChange, chargeDescription, changeKeyOf, type AddonChange } from "./apply";
import { addonFits, addonJson, addonsForPlan, getAddon } from "./catalog";
import { liveAddonsOf } from "./live";
import { addonProration } from "./proration";
import type { AddonChangeJson, CustomerAddonsJson } from "./schemas";

const QUANTITY = "quantity";

async function decide(
  tx: Executor,
  orgId: string,
  addonRef: string,
  quantity: number,
  now: Date,
): Promise<AddonChange> {
  const found = await liveSubscription(orgId, tx);
  if (!found) throw notFound("Current subscription");
  // The row lock serializes changes of one subscription's add-ons (and its plan changes).
  const [sub] = await tx.select().from(subscriptions).where(eq(subscriptions.id, found.id)).for("update");
  if (!sub || sub.status === "incomplete")
    throw conflict("The subscription's first payment is pending: add-ons can be added once it is paid.");
  if (sub.provider === "stripe" && !sub.stripeSubscriptionId)
    throw conflict("The subscription is not linked to Stripe yet; try again in a moment.");
  const addon = await getAddon(addonRef, tx).catch(() => {
    throw invalidField("addon", `no add-on has the id or code "${addonRef}"`);
  });
  const [live] = await tx
    .select()
    .from(subscriptionAddons)
    .where(
      and(
        eq(subscriptionAddons.subscriptionId, sub.id),
        eq(subscriptionAddons.addonId, addon.id),
        isNull(subscriptionAddons.endedAt),
      ),
    );
  const from = live?.quantity ?? 0;
  if (quantity > from) {
    // More of it: it must be on sale and fit the plan. Fewer (or none) is always allowed.
    if (addon.archivedAt) throw invalidField("addon", `the add-on ${addon.code} is no longer sold`);
    const [plan] = await tx.select().from(plans).where(eq(plans.id, sub.planId));
    const misfit = addonFits(addon, plan!);
    if (misfit) throw invalidField("addon", `the add-on ${addon.code} cannot be added: ${misfit}`);
    if (quantity > addon.maxQuantity)
      throw invalidField(QUANTITY, `at most ${addon.maxQuantity} of ${addon.name} per subscription`);
  }
  const change = { sub, addon, live: live ?? null, from, to: quantity };
  if (quantity === from) return { ...change, chargeKind: null, amountCents: 0 };
  if (addon.kind === "one_time")
    return quantity > from
      ? { ...change, chargeKind: "one_time", amountCents: addon.priceCents * (quantity - from) }
      : { ...change, chargeKind: null, amountCents: 0 };
  // A trial is free: its add-ons are billed from the first paid period on, like the plan.
  if (sub.status === "trialing") return { ...change, chargeKind: null, amountCents: 0 };
  const amountCents = addonProration({
    unitCents: addon.priceCents,
    fromQuantity: from,
    toQuantity: quantity,
    periodStart: sub.currentPeriodStart,
    periodEnd: sub.currentPeriodEnd,
    at: now,
    currency: addon.currency,
  });
  return { ...change, chargeKind: amountCents === 0 ? null : "proration", amountCents };
}

const changeJson = (c: AddonChange, applied: boolean, creditsGranted = 0): AddonChangeJson => ({
  object: "addon_change",
  addon: c.addon.code,
  from_quantity: c.from,
  quantity: c.to,
  charge_kind: c.chargeKind,
  amount_cents: c.amountCents,
  amount: minorToDecimal(c.amountCents, c.addon.currency),
  currency: c.addon.currency,
  credits_granted: creditsGranted,
  applied,
});

/** What setting the quantity would charge now, changing nothing. */
export async function previewAddonChange(orgId: string, addonRef: string, quantity: number, now = new Date()) {
  return db.transaction(async (tx) => changeJson(await decide(tx, orgId, addonRef, quantity, now), false));
}

/**
 * Sets the units of an add-on the customer's subscription holds; the same quantity again changes
 * nothing. On Stripe the change is made at Stripe first (outside any transaction) and the
 * subscription converges on Stripe's answer, as plan changes do.
 */
export async function setAddonQuantity(
  orgId: string,
  addonRef: string,
  quantity: number,
  actor: string,
  now = new Date(),
  opts: { reason?: string | null } = {},
): Promise<AddonChangeJson> {
  const reason = opts.reason ?? null;
  const done = await db.transaction(async (tx) => {
    const c = await decide(tx, orgId, addonRef, quantity, now);
    if (c.from === c.to) return changeJson(c, false);
    if (c.sub.provider === "stripe") return c;
    const credits = await applyAddonChange(tx, c, {
      actor,
      now,
      providerItemId: c.live?.providerItemId ?? null,
      bill: true,
      reason,
    });
    return changeJson(c, true, credits);
  });
  return "object" in done ? done : changeOnStripe(done, actor, now, reason);
}

/**
 * A recurring add-on is the Stripe subscription's item for its price: added, re-quantified or
 * deleted with proration invoiced at once (a trial: none), as a plan upgrade is; the subscription is
 * then re-read and applied (lib/payments/subscription-sync), which converges the add-on rows on the
 * items. A one-time add-on is a pending invoice item for the subscription's next invoice. Each
 * Stripe write is keyed by the change, so a retry after a lost answer changes nothing twice.
 */
async function changeOnStripe(
  c: AddonChange,
  actor: string,
  now: Date,
  reason: string | null,
): Promise<AddonChangeJson> {
  const subscriptionId = c.sub.stripeSubscriptionId!;
  const idempotencyKey = `tally-addon:${changeKeyOf(c)}`;
  if (c.addon.kind === "one_time") {
    const [org] = await db.select().from(organizations).where(eq(organizations.id, c.sub.orgId));
    if (c.amountCents > 0)
      await addPendingInvoiceItem({
        customerId: org!.stripeCustomerId!,
        subscriptionId,
        amountCents: c.amountCents,
        currency: c.addon.currency,
        description: chargeDescription(c, now),
        metadata: { [ADDON_ITEM_METADATA]: c.addon.id, tally_subscription_id: c.sub.id },
        idempotencyKey,
      });
    return db.transaction(async (tx) => {
      const fresh = await decide(tx, c.sub.orgId, c.addon.id, c.to, now);
      // The same change applied meanwhile (a retry): Stripe's item was keyed by it, so nothing twice.
      if (fresh.from === fresh.to) return changeJson(c, true);
      const credits = await applyAddonChange(tx, fresh, { actor, now, providerItemId: null, bill: false, reason });
      return changeJson(c, true, credits);
    });
  }
  const proration = c.sub.status === "trialing" ? "none" : "always_invoice";
  const itemId = c.live?.providerItemId;
  if (!itemId)
    await addSubscriptionItem({
      subscriptionId,
      priceId: await stripePriceOf(c.addon),
      addonId: c.addon.id,
      quantity: c.to,
      proration,
      idempotencyKey,
    });
  else if (c.to === 0) await deleteSubscriptionItem(itemId, proration);
  else await setSubscriptionItemQuantity({ itemId, quantity: c.to, proration, idempotencyKey });
  const state = await retrieveSubscription(subscriptionId);
  if (!state) throw new AppError("provider_unavailable", "Stripe did not return the subscription; try again.");
  const applied = await db.transaction((tx) => applyStripeSubscription(tx, state, { at: now, actor, reason }));
  return changeJson(c, true, applied.addonCredits?.get(c.addon.id) ?? 0);
}

/** The add-on's recurring price at Stripe, created the first time a subscription there takes it. */
async function stripePriceOf(addon: Addon): Promise<string> {
  if (addon.stripePriceId) return addon.stripePriceId;
  const priceId = await createAddonPrice({ ...addon, interval: addon.interval ?? "month" });
  await db
    .update(addons)
    .set({ stripePriceId: priceId })
    .where(and(eq(addons.id, addon.id), isNull(addons.stripePriceId)));
  return priceId;
}

// ————— reads —————

/** A customer's add-ons and those it may add, for GET /api/v1/billing/addons and the billing page. */
export async function customerAddons(orgId: string): Promise<CustomerAddonsJson> {
  const sub = await liveSubscription(orgId);
  if (!sub) return { object: "list", customer_id: orgId, subscription_id: null, data: [], available: [] };
  const [[plan], held] = await Promise.all([
    db.select().from(plans).where(eq(plans.id, sub.planId)),
    liveAddonsOf(db, [sub.id]),
  ]);
  return {
    object: "list",
    customer_id: orgId,
    subscription_id: sub.id,
    data: (held.get(sub.id) ?? []).map(({ row, addon }) => ({
      id: row.id,
      object: "subscription_addon",
      addon: addonJson(addon),
      quantity: row.quantity,
      started_at: row.startedAt.toISOString(),
    })),
    available: (await addonsForPlan(plan!)).map(addonJson),
  };
}
