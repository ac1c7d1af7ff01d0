// Spending caps (issue 18, item 5). A customer's spend is what its usage adds to its bill in the
// cap's window: the lines the period's invoice will carry so far — usage charges, credit overage
// and call costs, rated by periodLines exactly as the invoice is — not the plan fee. The window is
// the current billing period for a monthly plan and the calendar month (UTC) inside a yearly one;
// a trial's usage is free, and a customer without a live subscription is billed nothing in arrears.
//
// Hard: spent ≥ cap refuses (entitlements allowed false, credit spends 402) — exact at the moment of
// the check, since the spend is rated then. Soft: alerts at 80 % and 100 %, each once per window
// (raised by the periodic job and by any check that finds it crossed).
import { formatMoney } from "@/lib/format";
import "server-only";
import { and, eq } from "drizzle-orm";
import { raiseAlertOnce } from "@/lib/alerts/alerts";
import { broadcastInvalidation, onInvalidate } from "@/lib/cache/invalidation";
import { db } from "@/lib/db/client";
import { processState } from "@/lib/process-state";
import {
  idempotencyKeys,
  organizations,
  plans,
  spendingCaps,
  type SpendingCap,
  type SpendingCapMode,
} from "@/lib/db/schema";
import { AppError, invalidField, notFound } from "@/lib/http/errors";
import type { Job } from "@/lib/jobs/runner";
import { log } from "@/lib/log";
import { loadPeriodInput } from "@/lib/payments/period-input";
import { periodLines, totalCents } from "@/lib/payments/period-lines";
import { liveSubscription } from "@/lib/subscriptions/subscribe";
import type { SpendingCapJson } from "./spending-cap-schemas";

export const CAP_ALERT_PERCENTS = [80, 100] as const;

export type CapWindow = { start: Date; end: Date };
export type Spend = { spentCents: number; currency: string; window: CapWindow | null };

const monthOf = (at: Date): CapWindow => ({
  start: new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1)),
  end: new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1)),
});

/** The cap's window for a subscription period: the period itself when monthly, else the month inside it. */
export function capWindow(sub: { interval: string; currentPeriodStart: Date; currentPeriodEnd: Date }, now: Date) {
  if (sub.interval === "month") return { start: sub.currentPeriodStart, end: sub.currentPeriodEnd };
  const m = monthOf(now);
  return {
    start: new Date(Math.max(m.start.getTime(), sub.currentPeriodStart.getTime())),
    end: new Date(Math.min(m.end.getTime(), sub.currentPeriodEnd.getTime())),
  };
}

/** What usage and overage have added to the customer's bill in the cap's window so far. */
export async function spendSoFar(orgId: string, now = new Date()): Promise<Spend> {
  const sub = await liveSubscription(orgId);
  if (!sub || sub.status === "incomplete") return { spentCents: 0, currency: "usd", window: null };
  const window = capWindow(sub, now);
  const [plan] = await db.select({ currency: plans.currency }).from(plans).where(eq(plans.id, sub.planId));
  const currency = plan?.currency ?? "usd";
  if (sub.status === "trialing") return { spentCents: 0, currency, window };
  const lines = periodLines(await loadPeriodInput(db, sub, window));
  return { spentCents: totalCents(lines), currency, window };
}

export type CapState = {
  cap: SpendingCap;
  spend: Spend;
  /** Spent as a share of the cap, in whole percent (floored): 99 until the cap is reached. */
  percent: number;
  reached: boolean;
};

export const capState = (cap: SpendingCap, spend: Spend): CapState => ({
  cap,
  spend,
  percent: cap.amountCents > 0 ? Math.floor((spend.spentCents * 100) / cap.amountCents) : 100,
  reached: spend.spentCents >= cap.amountCents,
});

const findCap = async (orgId: string): Promise<SpendingCap | null> => {
  const [r] = await db.select().from(spendingCaps).where(eq(spendingCaps.orgId, orgId));
  return r ?? null;
};

export async function getSpendingCap(orgId: string, now = new Date()): Promise<CapState | null> {
  const [org] = await db.select({ id: organizations.id }).from(organizations).where(eq(organizations.id, orgId));
  if (!org) throw notFound("Customer");
  const cap = await findCap(orgId);
  if (!cap) return null;
  const state = capState(cap, await spendSoFar(orgId, now));
  await alertCrossings(orgId, state, now);
  return state;
}

export async function setSpendingCap(
  orgId: string,
  input: { amountCents: number | null; mode: SpendingCapMode },
  actor: string,
  now = new Date(),
): Promise<CapState | null> {
  const [org] = await db.select({ id: organizations.id }).from(organizations).where(eq(organizations.id, orgId));
  if (!org) throw notFound("Customer");
  if (input.amountCents === null) {
    await db.delete(spendingCaps).where(eq(spendingCaps.orgId, orgId));
    await broadcastInvalidation("spending_cap", orgId);
    return null;
  }
  if (!Number.isSafeInteger(input.amountCents) || input.amountCents < 1)
    throw invalidField("amount_cents", "a whole number of cents, at least 1");
  const values = { amountCents: input.amountCents, mode: input.mode, updatedBy: actor, updatedAt: now };
  await db
    .insert(spendingCaps)
    .values({ orgId, ...values })
    .onConflictDoUpdate({ target: spendingCaps.orgId, set: values });
  await broadcastInvalidation("spending_cap", orgId);
  return getSpendingCap(orgId, now);
}

/** Raises the 80 % and 100 % alerts the spend has reached, each once per window. */
async function alertCrossings(orgId: string, s: CapState, now: Date): Promise<void> {
  if (!s.spend.window) return;
  const cap = formatMoney(s.cap.amountCents, s.spend.currency);
  const spent = formatMoney(s.spend.spentCents, s.spend.currency);
  for (const pct of CAP_ALERT_PERCENTS) {
    if (s.spend.spentCents * 100 < s.cap.amountCents * pct) continue;
    await raiseAlertOnce({
      orgId,
      kind: "spending_cap",
      key: "monthly",
      threshold: pct,
      periodKey: s.spend.window.start.toISOString(),
      severity: pct >= 100 ? "critical" : "warning",
      message:
        pct >= 100
          ? s.cap.mode === "hard"
            ? `You reached your spending cap of ${cap} (${spent} spent): usage is paused until the period ends or the cap is raised.`
            : `You reached your spending cap of ${cap} (${spent} spent). Usage continues and is billed.`
          : `You have used ${s.percent} % of your spending cap of ${cap} (${spent} spent).`,
      details: { spent_cents: s.spend.spentCents, cap_cents: s.cap.amountCents, mode: s.cap.mode },
      at: now,
    });
  }
}

/**
 * Each organization's hard cap (cents, or null for none or a soft one), cached per process: every
 * credit spend and reservation asks, and a read of its own was a round trip that cost a spend a
 * third of its server CPU (docs/benchmarks.md). Setting or removing a cap drops the entry here and
 * on every other replica (NOTIFY, lib/cache/invalidation.ts); the TTL bounds a missed notification.
 */
const HARD_CAP_CACHE_MS = 30_000;
const HARD_CAP_CACHE_MAX = 20_000;
const hardCaps = processState("billing.hard-cap-cache", () => ({
  byOrg: new Map<string, { cents: number | null; until: number }>(),
  // Bumped by every invalidation: a read that began before a change does not store what it read.
  generation: 0,
}));
onInvalidate("spending_cap", (orgId) => {
  hardCaps.generation += 1;
  hardCaps.byOrg.delete(orgId);
});

async function hardCapCents(orgId: string, now = Date.now()): Promise<number | null> {
  const hit = hardCaps.byOrg.get(orgId);
  if (hit && hit.until > now) return hit.cents;
  const generation = hardCaps.generation;
  const [cap] = await db
    .select({ amountCents: spendingCaps.amountCents, mode: spendingCaps.mode })
    .from(spendingCaps)
    .where(eq(spendingCaps.orgId, orgId));
  const cents = cap?.mode === "hard" ? cap.amountCents : null;
  if (generation === hardCaps.generation) {
    if (hardCaps.byOrg.size >= HARD_CAP_CACHE_MAX) hardCaps.byOrg.clear();
    hardCaps.byOrg.set(orgId, { cents, until: now + HARD_CAP_CACHE_MS });
  }
  return cents;
}

/**
 * For the usage paths: null when usage may go on, else why not. Costs a cached lookup for a
 * customer without a cap (or with a soft one) — none when the caller read the hard cap already
 * (`known`: its cents, or null for none); a hard cap rates the window's usage at the check.
 */
export async function hardCapRefusal(
  orgId: string,
  now = new Date(),
  known?: { hardCapCents: number | null },
): Promise<string | null> {
  const capCents = known ? known.hardCapCents : await hardCapCents(orgId);
  if (capCents === null) return null;
  const state = capState(
    { orgId, amountCents: capCents, mode: "hard", updatedBy: "", updatedAt: now },
    await spendSoFar(orgId, now),
  );
  if (!state.reached) return null;
  await alertCrossings(orgId, state, now).catch((err: unknown) =>
    log.warn({ err, org_id: orgId }, "spending cap alert failed"),
  );
  return `The spending cap of ${formatMoney(state.cap.amountCents, state.spend.currency)} for this period is reached (${formatMoney(state.spend.spentCents, state.spend.currency)} spent).`;
}

/**
 * A credit spend refused at a hard cap: 402, as a spend without credits is. A retry of a spend that
 * was answered before the cap was reached (its idempotency key is stored) is not refused: it replays.
 */
export async function assertUnderSpendingCap(
  orgId: string,
  retry: { scope: string; key: string } | null,
  now = new Date(),
): Promise<void> {
  const refusal = await hardCapRefusal(orgId, now);
  if (!refusal) return;
  if (retry) {
    const [stored] = await db
      .select({ key: idempotencyKeys.key })
      .from(idempotencyKeys)
      .where(
        and(
          eq(idempotencyKeys.orgId, orgId),
          eq(idempotencyKeys.scope, retry.scope),
          eq(idempotencyKeys.key, retry.key),
        ),
      )
      .limit(1);
    if (stored) return;
  }
  throw new AppError("spending_cap_reached", refusal);
}

/**
 * An entitlement answer with the hard cap applied: an allowed answer becomes a refusal at the cap.
 * `hardCapCents`: the customer's hard cap as the entitlement's own statement read it (null: none).
 */
export async function withSpendingCap<E extends { allowed: boolean; customer_id: string }>(
  e: E,
  hardCapCents: number | null,
  now = new Date(),
): Promise<E | (E & { allowed: false; reason: "spending_cap"; message: string })> {
  if (!e.allowed || hardCapCents === null) return e;
  const refusal = await hardCapRefusal(e.customer_id, now, { hardCapCents });
  return refusal ? { ...e, allowed: false, reason: "spending_cap", message: refusal } : e;
}

/** Every customer with a cap: the soft cap's alerts (and the hard cap's) without waiting for a check. */
export async function checkSpendingCaps(now = new Date()): Promise<number> {
  const caps = await db.select().from(spendingCaps);
  for (const cap of caps) {
    try {
      await alertCrossings(cap.orgId, capState(cap, await spendSoFar(cap.orgId, now)), now);
    } catch (err) {
      log.warn({ err, org_id: cap.orgId }, "spending cap check failed");
    }
  }
  return caps.length;
}

export const spendingCapJob: Job = {
  name: "billing.spending_caps",
  everyMs: 60_000,
  run: (now) => checkSpendingCaps(now),
};

export function spendingCapJson(orgId: string, s: CapState | null): SpendingCapJson {
  return {
    object: "spending_cap",
    customer_id: orgId,
    enabled: s !== null,
    amount_cents: s?.cap.amountCents ?? null,
    mode: s?.cap.mode ?? null,
    currency: s?.spend.currency ?? null,
    spent_cents: s?.spend.spentCents ?? null,
    percent: s?.percent ?? null,
    reached: s?.reached ?? false,
    window_start: s?.spend.window?.start.toISOString() ?? null,
    window_end: s?.spend.window?.end.toISOString() ?? null,
    updated_at: s?.cap.updatedAt.toISOString() ?? null,
  };
}

export type { SpendingCapJson };
