// Credits an add-on grants, through the credits ledger: a recurring add-on's each allocation
// window (a monthly credit top-up), a one-time add-on's once per purchase.
import "server-only";
import { and, eq, gt, inArray, isNull, sql } from "drizzle-orm";
import { db, type Executor } from "@/lib/db/client";
import {
  addons,
  creditGrants,
  subscriptionAddons,
  subscriptions,
  type Addon,
  type Subscription,
} from "@/lib/db/schema";
import { log } from "@/lib/log";
import { allocationWindow } from "@/lib/credits/allocation-window";
import { grantBucket } from "@/lib/credits/grant-credits";
import { formatDate } from "@/lib/format";
import { liveAddonsOf } from "./live";

/** Statuses that receive credits (as included credits: an unpaid first period does not). */
const CREDITED = new Set(["trialing", "active", "past_due"]);

/**
 * A recurring add-on's credits for the allocation window containing `at` (the period; a month of a
 * yearly period): `quantity` × its credits, less what this window already granted it — so a
 * window gets each unit's credits once however often this runs or the quantity moves.
 */
export async function grantAddonCredits(
  tx: Executor,
  sub: Subscription,
  addon: Addon,
  quantity: number,
  at: Date,
): Promise<number> {
  if (addon.credits <= 0 || quantity <= 0 || !CREDITED.has(sub.status)) return 0;
  const window = allocationWindow(sub, at);
  if (!window) return 0;
  const prefix = `addon:${sub.id}:${addon.id}:${window.start.toISOString()}:`;
  const [row] = await tx
    .select({ granted: sql<string>`coalesce(sum(${creditGrants.amount}), 0)::text` })
    .from(creditGrants)
    .where(
      and(eq(creditGrants.orgId, sub.orgId), sql`left(${creditGrants.idempotencyKey}, ${prefix.length}) = ${prefix}`),
    );
  const units = Math.floor(Number(row?.granted ?? 0) / addon.credits);
  const due = quantity - units;
  if (due <= 0) return 0;
  const r = await grantBucket(
    tx,
    sub.orgId,
    {
      source: "subscription",
      origin: "allocation",
      amount: due * addon.credits,
      expiresAt: window.end,
      idempotencyKey: `${prefix}${quantity}`,
      reference: `${sub.id}:${addon.code}`,
      subscriptionId: sub.id,
      reason: `${addon.name} × ${due}, until ${formatDate(window.end)}`,
      actor: "subscription",
    },
    at,
  );
  return r.created ? due * addon.credits : 0;
}

/** A one-time add-on's credits: once per purchase (the change's key), kept until spent. */
export async function grantOneTimeCredits(
  tx: Executor,
  sub: Subscription,
  addon: Addon,
  units: number,
  changeKey: string,
  actor: string,
  at: Date,
): Promise<number> {
  if (addon.credits <= 0) return 0;
  const r = await grantBucket(
    tx,
    sub.orgId,
    {
      source: "purchased",
      origin: "purchase",
      amount: units * addon.credits,
      idempotencyKey: `addon-once:${changeKey}`,
      reference: `${sub.id}:${addon.code}`,
      subscriptionId: sub.id,
      reason: `${addon.name} × ${units}`,
      actor,
    },
    at,
  );
  return r.created ? units * addon.credits : 0;
}

/** At a period's start (lib/subscriptions/hooks): each subscription's recurring add-ons' credits for the new window. */
export async function grantAddonCreditsAtPeriodStart(
  tx: Executor,
  started: { sub: Subscription; at: Date }[],
): Promise<void> {
  // One read for the batch; grants only where an add-on gives credits.
  const held = await liveAddonsOf(
    tx,
    started.map((s) => s.sub.id),
  );
  for (const { sub, at } of started)
    for (const { addon, row } of held.get(sub.id) ?? [])
      if (addon.kind === "recurring") await grantAddonCredits(tx, sub, addon, row.quantity, at);
}

/**
 * The job (beside the plans' allocation in lib/credits/allocate-credits): every live subscription's
 * recurring add-ons that grant credits get the current window's — how a yearly subscription's monthly
 * top-up arrives in its second month and after, when no period starts and no quantity moves. Each
 * grant is keyed per window (grantAddonCredits), so running again, or beside the period-start hook,
 * grants nothing twice. Answers how many grants were made.
 */
export async function allocateDueAddonCredits(now: Date): Promise<number> {
  const held = await db
    .select({ sub: subscriptions, addon: addons, quantity: subscriptionAddons.quantity })
    .from(subscriptionAddons)
    .innerJoin(addons, eq(addons.id, subscriptionAddons.addonId))
    .innerJoin(subscriptions, eq(subscriptions.id, subscriptionAddons.subscriptionId))
    .where(
      and(
        isNull(subscriptionAddons.endedAt),
        eq(addons.kind, "recurring"),
        gt(addons.credits, 0),
        inArray(subscriptions.status, [...CREDITED] as Subscription["status"][]),
        gt(subscriptions.currentPeriodEnd, now),
      ),
    );
  let granted = 0;
  for (const h of held) {
    try {
      if (await db.transaction((tx) => grantAddonCredits(tx, h.sub, h.addon, h.quantity, now))) granted++;
    } catch (err) {
      log.error({ err, subscription_id: h.sub.id, addon_id: h.addon.id }, "add-on credit allocation failed");
    }
  }
  return granted;
}
