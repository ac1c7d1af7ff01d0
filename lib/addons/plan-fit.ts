// A plan change re-checks the subscription's recurring add-ons against the new plan (its interval,
// currency and the add-on's plan list: addonFits). Those that no longer fit are removed with the
// change, never left billing on a plan that does not offer them: at once with an upgrade, credited
// for the rest of the period as any removal is (lib/addons/proration); at the period end with a
// scheduled downgrade, where nothing is left to credit. The preview lists them first, with the
// credit. One-time add-ons were bought outright and stay.
import "server-only";
import type { Executor } from "@/lib/db/client";
import type { Plan, Subscription } from "@/lib/db/schema";
import { minorToDecimal } from "@/lib/money";
import { applyAddonChange } from "./apply";
import { addonFits } from "./catalog";
import { liveAddonsOf, type LiveAddon } from "./live";
import { addonProration } from "./proration";

export type RemovedAddon = LiveAddon & { reason: string; creditCents: number };

/** JSON for the plan change preview: what goes, why, and the credit (negative, minor units) for the rest of the period. */
export type RemovedAddonJson = {
  addon: string;
  name: string;
  quantity: number;
  reason: string;
  amount_cents: number;
  amount: string;
};

/**
 * The subscription's recurring add-ons that do not fit `to`, each with the credit its removal at
 * `at` brings: the unused rest of the period when `prorate` (a change now, on a paid period), else 0.
 */
export async function addonsLeftBehind(
  tx: Executor,
  sub: Subscription,
  to: Plan,
  at: Date,
  prorate: boolean,
): Promise<RemovedAddon[]> {
  const held = (await liveAddonsOf(tx, [sub.id])).get(sub.id) ?? [];
  return held.flatMap((h) => {
    if (h.addon.kind !== "recurring") return [];
    const misfit = addonFits(h.addon, to);
    if (!misfit) return [];
    const creditCents =
      prorate && sub.status !== "trialing"
        ? addonProration({
            unitCents: h.addon.priceCents,
            fromQuantity: h.row.quantity,
            toQuantity: 0,
            periodStart: sub.currentPeriodStart,
            periodEnd: sub.currentPeriodEnd,
            at,
            currency: h.addon.currency,
          })
        : 0;
    return [{ ...h, reason: misfit, creditCents }];
  });
}

export const removedAddonJson = (r: RemovedAddon): RemovedAddonJson => ({
  addon: r.addon.code,
  name: r.addon.name,
  quantity: r.row.quantity,
  reason: r.reason,
  amount_cents: r.creditCents,
  amount: minorToDecimal(r.creditCents, r.addon.currency),
});

/**
 * Removes them from a subscription Tally bills: each ends with its history row (the reason says
 * why), and its credit waits in addon_charges for the invoice of `billedSub`'s current period.
 */
export async function removeAddonsLeftBehind(
  tx: Executor,
  billedSub: Subscription,
  removed: RemovedAddon[],
  opts: { actor: string; at: Date },
): Promise<void> {
  for (const r of removed)
    await applyAddonChange(
      tx,
      {
        sub: billedSub,
        addon: r.addon,
        live: r.row,
        from: r.row.quantity,
        to: 0,
        chargeKind: r.creditCents === 0 ? null : "proration",
        amountCents: r.creditCents,
      },
      {
        actor: opts.actor,
        now: opts.at,
        providerItemId: null,
        bill: true,
        reason: `Removed with the plan change: ${r.addon.name}: ${r.reason}`,
      },
    );
}
