// The add-ons a subscription holds now, read for a batch of subscriptions at once (the rollover
// bills thousands of periods together). Kept apart from the write path so billing can import it
// without the subscription and credits modules.
import "server-only";
import { and, eq, inArray, isNull, sql, type SQL } from "drizzle-orm";
import type { Executor } from "@/lib/db/client";
import { addons, subscriptionAddons, type Addon, type SubscriptionAddon } from "@/lib/db/schema";

export type LiveAddon = { row: SubscriptionAddon; addon: Addon };

/** The live add-ons of each subscription (one statement for a batch). */
export async function liveAddonsOf(tx: Executor, subscriptionIds: string[]): Promise<Map<string, LiveAddon[]>> {
  const out = new Map<string, LiveAddon[]>();
  if (subscriptionIds.length === 0) return out;
  const found = await tx
    .select({ row: subscriptionAddons, addon: addons })
    .from(subscriptionAddons)
    .innerJoin(addons, eq(addons.id, subscriptionAddons.addonId))
    .where(and(inArray(subscriptionAddons.subscriptionId, subscriptionIds), isNull(subscriptionAddons.endedAt)))
    .orderBy(subscriptionAddons.startedAt);
  for (const r of found) out.set(r.row.subscriptionId, [...(out.get(r.row.subscriptionId) ?? []), r]);
  return out;
}

/**
 * For the entitlement reads (one statement each): the live add-ons of the subscription `subId`
 * names, as a JSON array of {quantity, features, limits} (lib/addons/grants HeldAddon), or null.
 * An index probe on subscription_addons_sub_idx; nothing more when the subscription has none.
 */
export const heldAddonsSql = (subId: SQL) =>
  sql`(select json_agg(json_build_object('quantity', sa.quantity, 'features', a.features, 'limits', a.limits))
         from subscription_addons sa join addons a on a.id = sa.addon_id
        where sa.subscription_id = ${subId} and sa.ended_at is null)`;
