// A subscription's add-ons: set how many units of an add-on it holds (0 removes it), by the
// customer or an operator acting for it, in one transaction under the subscription's row lock.
// A recurring add-on changed mid-period is prorated as a plan change is (lib/payments/proration,
// one rounding step): the charge or credit waits for the period's invoice as its own line
// (addon_charges → period-lines). A one-time add-on's price is charged once per purchase the same
// way. Credits an add-on grants go through the credits ledger, once per allocation window.
import "server-only";
import { and, eq, isNull } from "drizzle-orm";
import { db, type Executor } from "@/lib/db/client";
import {
  addonCharges,
  plans,
  subscriptionAddons,
  subscriptions,
  type Addon,
  type AddonChargeKind,
  type Subscription,
  type SubscriptionAddon,
} from "@/lib/db/schema";
import { formatDate } from "@/lib/format";
import { AppError, conflict, invalidField, notFound } from "@/lib/http/errors";
import { newId } from "@/lib/ids";
import { minorToDecimal } from "@/lib/money";
import { liveSubscription } from "@/lib/subscriptions/subscribe";
import { addonFits, addonJson, addonsForPlan, getAddon } from "./catalog";
import { grantAddonCredits, grantOneTimeCredits } from "./credits";
import { liveAddonsOf } from "./live";
import { addonProration } from "./proration";
import type { AddonChangeJson, CustomerAddonsJson } from "./schemas";

/** What setting the quantity does, before it is done: the charge (or credit) it puts on the period's invoice. */
type Change = {
  sub: Subscription;
  addon: Addon;
  live: SubscriptionAddon | null;
  from: number;
  to: number;
  chargeKind: AddonChargeKind | null;
  amountCents: number;
};

const QUANTITY = "quantity";

async function decide(tx: Executor, orgId: string, addonRef: string, quantity: number, now: Date): Promise<Change> {
  const found = await liveSubscription(orgId, tx);
  if (!found) throw notFound("Current subscription");
  // The row lock serializes changes of one subscription's add-ons (and its plan changes).
  const [sub] = await tx.select().from(subscriptions).where(eq(subscriptions.id, found.id)).for("update");
  if (!sub || sub.status === "incomplete")
    throw conflict("The subscription's first payment is pending: add-ons can be added once it is paid.");
  if (sub.provider === "stripe")
    throw new AppError("conflict", "Add-ons are not yet available on subscriptions billed by Stripe.", [
      { field: "addon", message: "not available on Stripe-billed subscriptions" },
    ]);
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

const changeJson = (c: Change, applied: boolean, creditsGranted = 0): AddonChangeJson => ({
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

/** Sets the units of an add-on the customer's subscription holds; the same quantity again changes nothing. */
export async function setAddonQuantity(
  orgId: string,
  addonRef: string,
  quantity: number,
  actor: string,
  now = new Date(),
): Promise<AddonChangeJson> {
  return db.transaction(async (tx) => {
    const c = await decide(tx, orgId, addonRef, quantity, now);
    if (c.from === c.to) return changeJson(c, false);
    if (c.live) await tx.update(subscriptionAddons).set({ endedAt: now }).where(eq(subscriptionAddons.id, c.live.id));
    const rowId = newId("sad");
    if (c.to > 0)
      await tx.insert(subscriptionAddons).values({
        id: rowId,
        orgId,
        subscriptionId: c.sub.id,
        addonId: c.addon.id,
        quantity: c.to,
        startedAt: now,
        providerItemId: c.live?.providerItemId ?? null,
        actor,
      });
    const changeKey = `${c.sub.id}:${c.addon.id}:${c.live?.id ?? "new"}:${c.to}`;
    if (c.chargeKind)
      await tx.insert(addonCharges).values({
        id: newId("adc"),
        orgId,
        subscriptionId: c.sub.id,
        addonId: c.addon.id,
        kind: c.chargeKind,
        description: chargeDescription(c, now),
        quantity: Math.abs(c.to - c.from),
        exactAmount: minorToDecimal(c.amountCents, c.addon.currency),
        amountCents: c.amountCents,
        currency: c.addon.currency,
        periodStart: c.sub.currentPeriodStart,
        at: now,
        sourceKey: changeKey,
      });
    const credits =
      c.to > c.from
        ? c.addon.kind === "one_time"
          ? await grantOneTimeCredits(tx, c.sub, c.addon, c.to - c.from, changeKey, actor, now)
          : await grantAddonCredits(tx, c.sub, c.addon, c.to, now)
        : 0;
    return changeJson(c, true, credits);
  });
}

function chargeDescription(c: Change, now: Date): string {
  const name = c.addon.name;
  if (c.chargeKind === "one_time") return `${name} × ${c.to - c.from} (one-time)`;
  const what = c.to === 0 ? "removed" : c.from === 0 ? `added (× ${c.to})` : `× ${c.from} → × ${c.to}`;
  return `${name} ${what} on ${formatDate(now)}: prorated for the rest of the period`;
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
