// Writing a change of a subscription's add-on quantity, shared by the customer's or operator's
// change (lib/addons/subscription-addons) and the convergence on Stripe's subscription items
// (lib/addons/stripe-sync): the live row ends and a new one carries the quantity, the charge (for
// subscriptions Tally bills) waits in addon_charges for the period's invoice, and credits are
// granted through the ledger, once per window or purchase.
import "server-only";
import { eq, sql } from "drizzle-orm";
import type { Executor } from "@/lib/db/client";
import { recordHistory } from "@/lib/subscriptions/history";
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
import { newId } from "@/lib/ids";
import { minorToDecimal } from "@/lib/money";
import { grantAddonCredits, grantOneTimeCredits } from "./credits";

/** What setting the quantity does, before it is done: the charge (or credit) it puts on the period's invoice. */
export type AddonChange = {
  sub: Subscription;
  addon: Addon;
  live: SubscriptionAddon | null;
  from: number;
  to: number;
  chargeKind: AddonChargeKind | null;
  amountCents: number;
};

/** Once per change from one state: the same change from the same live row has the same key. */
export const changeKeyOf = (c: AddonChange) => `${c.sub.id}:${c.addon.id}:${c.live?.id ?? "new"}:${c.to}`;

export function chargeDescription(c: AddonChange, now: Date): string {
  const name = c.addon.name;
  if (c.chargeKind === "one_time") return `${name} × ${c.to - c.from} (one-time)`;
  const what = c.to === 0 ? "removed" : c.from === 0 ? `added (× ${c.to})` : `× ${c.from} → × ${c.to}`;
  return `${name} ${what} on ${formatDate(now)}: prorated for the rest of the period`;
}

/**
 * Applies the change: ends the live row, starts one with the new quantity (none for 0), records the
 * charge when Tally bills it (`bill`; Stripe bills its own items and invoice items), and grants the
 * credits the added units bring. Answers the credits granted.
 */
export async function applyAddonChange(
  tx: Executor,
  c: AddonChange,
  opts: { actor: string; now: Date; providerItemId: string | null; bill: boolean; reason?: string | null },
): Promise<number> {
  const { actor, now } = opts;
  if (c.live) await tx.update(subscriptionAddons).set({ endedAt: now }).where(eq(subscriptionAddons.id, c.live.id));
  if (c.to > 0)
    await tx.insert(subscriptionAddons).values({
      id: newId("sad"),
      orgId: c.sub.orgId,
      subscriptionId: c.sub.id,
      addonId: c.addon.id,
      quantity: c.to,
      startedAt: now,
      providerItemId: opts.providerItemId,
      actor,
    });
  const changeKey = changeKeyOf(c);
  if (opts.bill && c.chargeKind)
    await tx.insert(addonCharges).values({
      id: newId("adc"),
      orgId: c.sub.orgId,
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
  // The recurring add-ons' fee on the subscription (MRR reads it), then the history row with it.
  const [sub] = await tx
    .update(subscriptions)
    .set({
      addonCents: sql`(select coalesce(sum(a.price_cents * sa.quantity), 0) from subscription_addons sa
        join addons a on a.id = sa.addon_id
        where sa.subscription_id = ${c.sub.id} and sa.ended_at is null and a.kind = 'recurring')`,
    })
    .where(eq(subscriptions.id, c.sub.id))
    .returning();
  // Who changed what and why, in the subscription's history (an operator gives a reason).
  const [plan] = await tx.select().from(plans).where(eq(plans.id, c.sub.planId));
  await recordHistory(tx, sub!, plan!, "addon_changed", {
    fromStatus: c.sub.status,
    actor,
    occurredAt: now,
    comment: opts.reason ?? undefined,
    details: { addon_id: c.addon.id, addon_code: c.addon.code, from_quantity: c.from, quantity: c.to },
  });
  if (c.to <= c.from) return 0;
  return c.addon.kind === "one_time"
    ? grantOneTimeCredits(tx, c.sub, c.addon, c.to - c.from, changeKey, actor, now)
    : grantAddonCredits(tx, c.sub, c.addon, c.to, now);
}
