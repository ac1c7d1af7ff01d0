// Converging a Stripe-billed subscription's add-ons on its Stripe subscription items (the items
// marked with metadata tally_addon_id): an item's quantity is the add-on's, an item Stripe no longer
// has is an add-on removed — whether Tally changed it or someone did in Stripe's dashboard or portal.
// Stripe bills and prorates its items, so nothing here charges; credits follow the quantity.
import "server-only";
import { eq, inArray } from "drizzle-orm";
import type { Executor } from "@/lib/db/client";
import { addons, subscriptionAddons, type Addon, type Subscription } from "@/lib/db/schema";
import { log } from "@/lib/log";
import type { StripeSubscriptionState } from "@/lib/stripe/billing";
import { applyAddonChange } from "./apply";
import { liveAddonsOf, type LiveAddon } from "./live";

/** Applies Stripe's add-on items to the subscription; answers the credits granted per add-on id. */
export async function syncStripeAddonItems(
  tx: Executor,
  sub: Subscription,
  items: StripeSubscriptionState["addonItems"],
  ctx: { at: Date; actor: string; reason?: string | null },
): Promise<Map<string, number>> {
  const credits = new Map<string, number>();
  const held = (await liveAddonsOf(tx, [sub.id])).get(sub.id) ?? [];
  // Nothing held through Stripe and no items: the common case costs one read.
  if (items.length === 0 && !held.some((h) => h.row.providerItemId)) return credits;
  const known = items.length
    ? await tx
        .select()
        .from(addons)
        .where(
          inArray(
            addons.id,
            items.map((i) => i.addonId),
          ),
        )
    : [];
  const set = async (addon: Addon, h: LiveAddon | undefined, to: number, itemId: string | null) => {
    const change = {
      sub,
      addon,
      live: h?.row ?? null,
      from: h?.row.quantity ?? 0,
      to,
      chargeKind: null,
      amountCents: 0,
    };
    const granted = await applyAddonChange(tx, change, { ...ctx, now: ctx.at, providerItemId: itemId, bill: false });
    credits.set(addon.id, granted);
  };
  const onStripe = new Set<string>();
  for (const item of items) {
    const addon = known.find((a) => a.id === item.addonId);
    if (!addon) {
      log.warn(
        { subscription: sub.id, item: item.id, addon: item.addonId },
        "Stripe item of an unknown add-on ignored",
      );
      continue;
    }
    onStripe.add(addon.id);
    const h = held.find((x) => x.addon.id === addon.id);
    if (h && h.row.quantity === item.quantity) {
      if (h.row.providerItemId !== item.id)
        await tx.update(subscriptionAddons).set({ providerItemId: item.id }).where(eq(subscriptionAddons.id, h.row.id));
      continue;
    }
    await set(addon, h, item.quantity, item.id);
  }
  // An item Stripe no longer has: the add-on is gone. One-time add-ons have no item and stay.
  for (const h of held) if (h.row.providerItemId && !onStripe.has(h.addon.id)) await set(h.addon, h, 0, null);
  return credits;
}
