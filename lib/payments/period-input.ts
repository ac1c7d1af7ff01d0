// Loads what periodLines needs for one subscription period: the plan segments from the
// subscription's history, each segment's metered quantities from the rollups with the usage that
// finalized calls recorded taken out (a call's usage is billed through the call), the period's
// finalized calls, the agents that held a plan in it, and the credit overage spent in it.
//
// Rollups are hourly, so the period and its segments are read as whole UTC hours, as everywhere
// (lib/metering/limit-period): a call belongs to the hour its usage was recorded in (ended_at).
import "server-only";
import { and, asc, eq, gte, inArray, lt, sql } from "drizzle-orm";
import type { Executor } from "@/lib/db/client";
import {
  agentPlanHistory,
  agents,
  calls,
  creditBalances,
  creditLedger,
  plans,
  subscriptionHistory,
  type Plan,
  type Subscription,
} from "@/lib/db/schema";
import { D } from "@/lib/money";
import { floorHour, hourRange } from "@/lib/metering/limit-period";
import { meterIndex, type MeterDef } from "@/lib/metering/meters";
import { NO_GROUP, pricedUsage } from "@/lib/metering/priced-usage";
import type { Quantity } from "@/lib/rating";
import type { AgentPlanHeld, CallUsage, OverageSpend, PeriodInput, PlanRef, PlanSegment } from "./period-lines";

type Period = { start: Date; end: Date };

const HOUR = 3_600_000;
/** The whole hours a period's usage is read over; a final period includes the hour it ends in. */
function readRange(p: Period, final?: boolean): Period {
  const r = hourRange(p);
  return final && r.end < p.end ? { start: r.start, end: new Date(r.end.getTime() + HOUR) } : r;
}

const planRef = (p: Plan): PlanRef => ({ id: p.id, name: p.name, currency: p.currency, charges: p.charges });

/** Plans by id; those the caller already holds are not read again (a round trip per period saved when closing thousands). */
async function plansById(x: Executor, ids: string[], known: Plan[] = []): Promise<Map<string, Plan>> {
  const out = new Map(known.map((p) => [p.id, p]));
  const missing = [...new Set(ids)].filter((id) => !out.has(id));
  if (missing.length) for (const p of await x.select().from(plans).where(inArray(plans.id, missing))) out.set(p.id, p);
  return out;
}

/** The plan in force over the period: the plan of the newest history row at or before each instant; a change inside the period starts a segment (at the hour). */
async function planSegments(
  x: Executor,
  sub: Subscription,
  period: Period,
): Promise<{ start: Date; end: Date; planId: string }[]> {
  const history = await x
    .select({ at: subscriptionHistory.occurredAt, planId: subscriptionHistory.planId })
    .from(subscriptionHistory)
    .where(
      and(
        eq(subscriptionHistory.orgId, sub.orgId),
        eq(subscriptionHistory.subscriptionId, sub.id),
        lt(subscriptionHistory.occurredAt, period.end),
      ),
    )
    .orderBy(asc(subscriptionHistory.occurredAt), asc(subscriptionHistory.recordedAt));
  let current = [...history].reverse().find((h) => h.at <= period.start)?.planId ?? history[0]?.planId ?? sub.planId;
  // Segments keep the period's own ends; a change inside it splits at the hour (usage is read by the hour).
  const segments: { start: Date; end: Date; planId: string }[] = [
    { start: period.start, end: period.end, planId: current },
  ];
  for (const h of history) {
    if (h.at <= period.start || h.planId === current) continue;
    const at = floorHour(h.at);
    const last = segments.at(-1)!;
    current = h.planId;
    if (at.getTime() <= floorHour(last.start).getTime()) {
      last.planId = h.planId; // a change within the segment's first hour: the hour belongs to the new plan
      continue;
    }
    last.end = at;
    segments.push({ start: at, end: period.end, planId: h.planId });
  }
  return segments.filter((s) => s.end > s.start);
}

type CallRow = Pick<
  typeof calls.$inferSelect,
  "id" | "agentId" | "planId" | "currency" | "usageMetrics" | "costLines" | "usageRecorded" | "endedAt"
>;

/** Takes the usage a finalized call recorded out of a meter's quantity (sums and counts; calls' events carry no group property). */
function subtract(q: Quantity | undefined, amount: string): Quantity | undefined {
  if (q === undefined) return q;
  if (typeof q === "string") return D.max(0, new D(q).minus(amount)).toFixed();
  const none = q.groups[NO_GROUP];
  if (none === undefined) return q;
  return { groups: { ...q.groups, [NO_GROUP]: D.max(0, new D(none).minus(amount)).toFixed() } };
}

async function segmentUsage(
  x: Executor,
  orgId: string,
  plan: Plan,
  seg: Period,
  meters: MeterDef[],
  recordedCalls: CallRow[],
  final?: boolean,
): Promise<Record<string, Quantity>> {
  const codes = new Set(plan.charges.flatMap((c) => (c.type === "usage" ? [c.meter] : [])));
  const used = meters.filter((m) => codes.has(m.code));
  if (used.length === 0) return {};
  const hours = readRange(seg, final);
  // With the plan, so meters under a price-per-group charge are read per group value.
  const { quantities } = await pricedUsage(orgId, used, hours, plan, x);
  const byCode = new Map(used.map((m) => [m.code, m]));
  for (const c of recordedCalls) {
    if (!c.endedAt || c.endedAt < hours.start || c.endedAt >= hours.end) continue;
    for (const [code, value] of Object.entries(c.usageMetrics ?? {})) {
      const m = byCode.get(code);
      if (!m || (m.aggregation !== "sum" && m.aggregation !== "count")) continue;
      quantities[code] = subtract(quantities[code], value)!;
    }
  }
  return quantities;
}

async function agentPlansHeld(
  x: Executor,
  orgId: string,
  period: Period,
): Promise<{ agentId: string; agentName: string; planId: string }[]> {
  const list = await x
    .select({
      id: agents.id,
      name: agents.name,
      planId: agents.planId,
      createdAt: agents.createdAt,
      archivedAt: agents.archivedAt,
    })
    .from(agents)
    .where(and(eq(agents.orgId, orgId), lt(agents.createdAt, period.end)));
  if (list.length === 0) return [];
  const history = await x
    .select({
      agentId: agentPlanHistory.agentId,
      previousPlanId: agentPlanHistory.previousPlanId,
      newPlanId: agentPlanHistory.newPlanId,
      at: agentPlanHistory.createdAt,
    })
    .from(agentPlanHistory)
    .where(eq(agentPlanHistory.orgId, orgId))
    .orderBy(asc(agentPlanHistory.createdAt));
  const held: { agentId: string; agentName: string; planId: string }[] = [];
  for (const a of list) {
    if (a.archivedAt && a.archivedAt <= period.start) continue;
    const rows = history.filter((h) => h.agentId === a.id);
    // Intervals [from, to) during which the agent held a plan.
    const spans: { planId: string | null; from: Date; to: Date }[] = [];
    let plan: string | null = rows[0] ? rows[0].previousPlanId : a.planId;
    let from = a.createdAt;
    for (const r of rows) {
      spans.push({ planId: plan, from, to: r.at });
      plan = r.newPlanId;
      from = r.at;
    }
    spans.push({ planId: plan, from, to: a.archivedAt ?? new Date(8.64e15) });
    for (const s of spans) {
      if (
        s.planId &&
        s.from < period.end &&
        s.to > period.start &&
        !held.some((h) => h.agentId === a.id && h.planId === s.planId)
      )
        held.push({ agentId: a.id, agentName: a.name, planId: s.planId });
    }
  }
  return held;
}

/**
 * `final`: no period follows (the subscription ended), so the hour the period ends in is read
 * whole — usage sent minutes before a cancel is billed, not lost between periods.
 */
export async function loadPeriodInput(
  x: Executor,
  sub: Subscription,
  period: Period,
  opts: { final?: boolean; knownPlans?: Plan[] } = {},
): Promise<PeriodInput> {
  const range = readRange(period, opts.final);
  const [segs, callRows, heldRaw, overageRows, [balance], cachedMeters] = await Promise.all([
    planSegments(x, sub, period),
    x
      .select({
        id: calls.id,
        agentId: calls.agentId,
        planId: calls.planId,
        currency: calls.currency,
        usageMetrics: calls.usageMetrics,
        costLines: calls.costLines,
        usageRecorded: calls.usageRecorded,
        endedAt: calls.endedAt,
      })
      .from(calls)
      .where(
        and(
          eq(calls.orgId, sub.orgId),
          eq(calls.status, "finalized"),
          gte(calls.endedAt, range.start),
          lt(calls.endedAt, range.end),
        ),
      ),
    agentPlansHeld(x, sub.orgId, period),
    x
      .select({
        credits: sql<string>`(-sum(${creditLedger.amount}))::text`,
        unitPrice: sql<string | null>`${creditLedger.unitPrice}::text`,
        currency: creditLedger.currency,
      })
      .from(creditLedger)
      .where(
        and(
          eq(creditLedger.orgId, sub.orgId),
          eq(creditLedger.kind, "overage"),
          gte(creditLedger.createdAt, period.start),
          lt(creditLedger.createdAt, period.end),
        ),
      )
      .groupBy(creditLedger.unitPrice, creditLedger.currency)
      .orderBy(sql`max(${creditLedger.seq}) desc`),
    x.select({ overage: creditBalances.overage }).from(creditBalances).where(eq(creditBalances.orgId, sub.orgId)),
    meterIndex({ x }),
  ]);
  const byId = await plansById(
    x,
    [
      ...segs.map((s) => s.planId),
      ...heldRaw.map((h) => h.planId),
      ...callRows.flatMap((c) => (c.planId ? [c.planId] : [])),
    ],
    opts.knownPlans,
  );
  // The cached index (5 s) serves; a meter a plan charges that it does not know yet reloads it.
  const charged = segs.flatMap(
    (s) => byId.get(s.planId)?.charges.flatMap((c) => (c.type === "usage" ? [c.meter] : [])) ?? [],
  );
  const meterIdx = charged.every((code) => cachedMeters.byCode.has(code))
    ? cachedMeters
    : await meterIndex({ x, fresh: true });

  const recorded = callRows.filter((c) => c.usageRecorded);
  const segments: PlanSegment[] = [];
  for (const s of segs) {
    const plan = byId.get(s.planId);
    if (!plan) continue;
    segments.push({
      start: s.start,
      end: s.end,
      plan: planRef(plan),
      usage: await segmentUsage(x, sub.orgId, plan, s, meterIdx.all, recorded, opts.final && s === segs.at(-1)),
    });
  }

  const callUsage: CallUsage[] = [];
  for (const c of callRows) {
    if (!c.planId || !c.currency) continue;
    const amounts: Record<string, string> = {};
    const quantities: Record<string, string> = {};
    for (const l of c.costLines ?? []) {
      if (l.type !== "usage" || !l.meter) continue;
      amounts[l.meter] = new D(amounts[l.meter] ?? "0").plus(l.amount).toFixed();
      quantities[l.meter] = c.usageMetrics?.[l.meter] ?? l.quantity;
    }
    callUsage.push({
      callId: c.id,
      agentId: c.agentId,
      planId: c.planId,
      planName: byId.get(c.planId)?.name ?? c.planId,
      currency: c.currency,
      amounts,
      quantities,
    });
  }

  const agentPlans: AgentPlanHeld[] = heldRaw.flatMap((h) => {
    const plan = byId.get(h.planId);
    return plan ? [{ agentId: h.agentId, agentName: h.agentName, plan: planRef(plan) }] : [];
  });
  const overage: OverageSpend[] = overageRows.flatMap((o) =>
    o.unitPrice && o.currency ? [{ credits: Number(o.credits), unitPrice: o.unitPrice, currency: o.currency }] : [],
  );
  const [first] = segments;
  const currency =
    first?.plan.currency ??
    byId.get(sub.planId)?.currency ??
    (await plansById(x, [sub.planId])).get(sub.planId)?.currency ??
    "usd";
  return {
    subscriptionId: sub.id,
    period,
    currency,
    segments,
    calls: callUsage,
    agentPlans,
    overage,
    overageOutstanding: balance?.overage ?? 0,
    meterUnits: Object.fromEntries(meterIdx.all.map((m) => [m.code, m.unit])),
  };
}
