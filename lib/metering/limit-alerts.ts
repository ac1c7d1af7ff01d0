// Usage alerts at 80 % and 100 % of a plan limit, checked after a batch is stored — cheaply:
// nothing at all unless the batch touched a meter that some plan limits (a set cached for 30 s),
// then one query for the touched customers' subscriptions and one for their period totals. An
// alert is raised once per customer, meter, threshold and limit period (lib/alerts), and this
// process remembers the ones it raised so later batches skip even that insert.
//
// Read after the events committed, a total includes every batch that committed before it, so two
// concurrent batches that together cross a threshold cannot both miss it.
import "server-only";
import { processState } from "@/lib/process-state";
import { and, eq, inArray, sql } from "drizzle-orm";
import { raiseAlertOnce } from "@/lib/alerts/alerts";
import { db, type Executor } from "@/lib/db/client";
import { selectRows, text } from "@/lib/db/rows";
import { LIVE_STATUSES, plans, subscriptions, type PlanLimit } from "@/lib/db/schema";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { D } from "@/lib/money";
import { formatQuantity } from "@/lib/format";
import { hourRange, limitPeriod, type Period } from "./limit-period";
import { meterIndex, type MeterDef } from "./meters";
import { queryUsage, rollupTotals, totalOf } from "./usage-query";

export const ALERT_THRESHOLDS = [80, 100] as const;
const LIMITED_TTL_MS = 30_000;

type Cache = { at: number; codes: Set<string> };
const g = processState("metering.limit-alerts", () => ({
  limitedMeters: undefined as Cache | undefined,
  raisedAlerts: new Set<string>(),
}));

async function limitedMeterCodes(tx: Executor): Promise<Set<string>> {
  const c = g.limitedMeters;
  if (c && Date.now() - c.at < LIMITED_TTL_MS) return c.codes;
  const found = await selectRows(
    { code: text },
    sql`select distinct l ->> 'meter' as code from plans p cross join jsonb_array_elements(p.limits) as l where p.active or p.is_latest`,
    tx,
  );
  const codes = new Set(found.map((r) => r.code));
  g.limitedMeters = { at: Date.now(), codes };
  return codes;
}

/** Tests and plan edits call this so a new limit is checked at once. */
export function invalidateLimitedMeters(): void {
  g.limitedMeters = undefined;
}

export type LimitCrossing = {
  orgId: string;
  meter: MeterDef;
  limit: PlanLimit;
  period: Period;
  used: string;
  threshold: number;
};

type LiveLimits = {
  orgId: string;
  interval: "month" | "year";
  status: (typeof LIVE_STATUSES)[number];
  billingAnchor: Date;
  currentPeriodStart: Date;
  currentPeriodEnd: Date;
  limits: PlanLimit[];
};
const SUBS_TTL_MS = 5_000;
const subsCache = processState(
  "metering.limit-subscriptions",
  () => new Map<string, { at: number; sub: LiveLimits | null }>(),
);

/**
 * The live subscriptions (with their plan's limits) of these customers, remembered for 5 s: a
 * stream of single events for one customer then costs one query (the period totals), not two. A
 * plan change reaches the alert check within those 5 s; entitlements never use this cache.
 */
async function liveLimits(orgIds: string[], tx: Executor): Promise<LiveLimits[]> {
  const now = Date.now();
  const out: LiveLimits[] = [];
  const missing: string[] = [];
  for (const id of orgIds) {
    const c = subsCache.get(id);
    if (c && now - c.at < SUBS_TTL_MS) {
      if (c.sub) out.push(c.sub);
    } else missing.push(id);
  }
  if (missing.length === 0) return out;
  const found = await tx
    .select({
      orgId: subscriptions.orgId,
      interval: subscriptions.interval,
      status: subscriptions.status,
      billingAnchor: subscriptions.billingAnchor,
      currentPeriodStart: subscriptions.currentPeriodStart,
      currentPeriodEnd: subscriptions.currentPeriodEnd,
      limits: plans.limits,
    })
    .from(subscriptions)
    .innerJoin(plans, eq(plans.id, subscriptions.planId))
    .where(and(inArray(subscriptions.orgId, missing), inArray(subscriptions.status, [...LIVE_STATUSES])));
  if (subsCache.size > 50_000) subsCache.clear();
  const byOrg = new Map(found.map((f) => [f.orgId, f as LiveLimits]));
  for (const id of missing) {
    const sub = byOrg.get(id) ?? null;
    subsCache.set(id, { at: now, sub });
    if (sub) out.push(sub);
  }
  return out;
}

/** Tests call this after changing a customer's subscription. */
export function invalidateLimitSubscriptions(): void {
  subsCache.clear();
}

const throttle = processState("metering.limit-throttle", () => ({
  last: new Map<string, number>(),
  pending: new Map<string, Set<string>>(),
  timers: new Map<string, NodeJS.Timeout>(),
}));

/**
 * touched: org id → ids of the meters the batch added usage to. A customer is checked at most once
 * per ALERT_CHECK_INTERVAL_MS in a process: a stream of single events then costs one check a
 * second, not one a request. Usage that arrives in between is checked when the interval ends
 * (a timer), so a crossing is never missed, only reported up to an interval later.
 */
export async function checkLimitAlerts(
  touched: Map<string, Set<string>>,
  opts: { now: Date; tx?: Executor },
): Promise<LimitCrossing[]> {
  const interval = env().ALERT_CHECK_INTERVAL_MS;
  if (interval <= 0 || opts.tx) return checkLimitAlertsNow(touched, opts);
  const now = Date.now();
  const due = new Map<string, Set<string>>();
  for (const [orgId, ids] of touched) {
    const last = throttle.last.get(orgId) ?? 0;
    if (now - last >= interval) {
      due.set(orgId, ids);
      throttle.last.set(orgId, now);
      continue;
    }
    const pending = throttle.pending.get(orgId) ?? new Set<string>();
    for (const id of ids) pending.add(id);
    throttle.pending.set(orgId, pending);
    if (!throttle.timers.has(orgId)) {
      const t = setTimeout(
        () => {
          const later = throttle.pending.get(orgId);
          throttle.pending.delete(orgId);
          throttle.timers.delete(orgId);
          throttle.last.set(orgId, Date.now());
          if (later)
            checkLimitAlertsNow(new Map([[orgId, later]]), { now: new Date() }).catch((err) =>
              log.error({ err }, "usage limit check failed"),
            );
        },
        last + interval - now,
      );
      t.unref();
      throttle.timers.set(orgId, t);
    }
  }
  if (throttle.last.size > 100_000) throttle.last.clear();
  return due.size ? checkLimitAlertsNow(due, opts) : [];
}

async function checkLimitAlertsNow(
  touched: Map<string, Set<string>>,
  opts: { now: Date; tx?: Executor },
): Promise<LimitCrossing[]> {
  const tx = opts.tx ?? db;
  const limited = await limitedMeterCodes(tx);
  if (limited.size === 0) return [];
  const meters = await meterIndex({ tx: opts.tx });
  const orgIds: string[] = [];
  for (const [orgId, ids] of touched) {
    for (const id of ids) {
      const m = meters.byId.get(id);
      if (m && limited.has(m.code)) {
        orgIds.push(orgId);
        break;
      }
    }
  }
  if (orgIds.length === 0) return [];

  const subs = await liveLimits(orgIds, tx);
  const checks: { orgId: string; meter: MeterDef; limit: PlanLimit; period: Period }[] = [];
  for (const sub of subs) {
    const ids = touched.get(sub.orgId)!;
    if (sub.limits.length === 0) continue;
    for (const limit of sub.limits) {
      const meter = meters.byCode.get(limit.meter);
      if (!meter || !ids.has(meter.id) || !(Number(limit.limit) > 0)) continue;
      checks.push({ orgId: sub.orgId, meter, limit, period: limitPeriod(sub, opts.now) });
    }
  }
  if (checks.length === 0) return [];

  const simple = checks.filter((c) => c.meter.aggregation !== "unique_count");
  const totals = await rollupTotals(
    simple.map((c) => ({ orgId: c.orgId, meterId: c.meter.id, range: hourRange(c.period) })),
    tx,
  );
  const crossings: LimitCrossing[] = [];
  for (const c of checks) {
    const used =
      c.meter.aggregation === "unique_count"
        ? ((await queryUsage({ orgId: c.orgId, meters: [c.meter], range: hourRange(c.period) }, tx))[0]?.value ?? "0")
        : (totalOf(c.meter.aggregation, totals.get(`${c.orgId}\u0001${c.meter.id}`)) ?? "0");
    const ratio = new D(used).div(c.limit.limit);
    for (const threshold of ALERT_THRESHOLDS) {
      if (ratio.mul(100).lt(threshold)) continue;
      crossings.push({ ...c, used, threshold });
    }
  }

  const raised = g.raisedAlerts;
  for (const c of crossings) {
    const periodKey = c.period.start.toISOString();
    const memo = `${c.orgId}|${c.meter.code}|${c.threshold}|${periodKey}`;
    if (raised.has(memo)) continue;
    const limitText = formatQuantity(c.limit.limit, c.meter.unit);
    const usedText = formatQuantity(c.used, c.meter.unit);
    const reached = c.threshold >= 100;
    const enforcement =
      c.limit.enforcement === "hard"
        ? "further requests are refused until the period resets"
        : "usage beyond it is billed as overage";
    await raiseAlertOnce(
      {
        orgId: c.orgId,
        kind: "usage_limit",
        key: c.meter.code,
        threshold: c.threshold,
        periodKey,
        severity: reached ? "critical" : "warning",
        message: reached
          ? `${c.meter.name}: the plan limit of ${limitText} is reached (${usedText} used this period); ${enforcement}.`
          : `${c.meter.name}: ${c.threshold} % of the plan limit used (${usedText} of ${limitText} this period).`,
        details: {
          meter: c.meter.code,
          used: c.used,
          limit: c.limit.limit,
          enforcement: c.limit.enforcement,
          period_start: periodKey,
          period_end: c.period.end.toISOString(),
        },
        at: opts.now,
      },
      tx,
    );
    // Only remembered outside a caller's transaction: a rollback there would undo the alert.
    if (!opts.tx) raised.add(memo);
    if (raised.size > 100_000) raised.clear();
  }
  return crossings;
}
