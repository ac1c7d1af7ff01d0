// Loads what periodLines needs for subscription periods: the plan segments from each
// subscription's history, each segment's metered quantities from the rollups with the usage that
// finalized calls recorded taken out (a call's usage is billed through the call), the period's
// finalized calls, the agents that held a plan in it, and the credit overage spent in it. For a
// meter linked to a credit event, each segment also carries the part of its quantity drawn from
// credits (the events ingested while a link was active: readDrawn), which periodLines leaves out.
//
// Set-based: closing a batch of periods reads each of these once for the whole batch (a statement
// per table, pipelined together in the caller's transaction), not once per period — the rollover
// closes thousands at a time (bench/close-periods.ts). One period is a batch of one.
//
// Rollups are hourly, so the period and its segments are read as whole UTC hours, as everywhere
// (lib/metering/limit-period): a call belongs to the hour its usage was recorded in (ended_at).
import "server-only";
import { asc, inArray, sql, type SQL } from "drizzle-orm";
import { rows, type Executor } from "@/lib/db/client";
import { decimal, int, nullable, selectRows, text } from "@/lib/db/rows";
import {
  addonCharges,
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
import { drawnQuantitySql } from "@/lib/credits/drawdown-events";
import { allLinks, type DrawdownLink } from "@/lib/credits/drawdown-links";
import { D } from "@/lib/money";
import { floorHour, hourRange } from "@/lib/metering/limit-period";
import { meterIndex, type MeterDef } from "@/lib/metering/meters";
import { NO_GROUP, pricedUsage, ratable } from "@/lib/metering/priced-usage";
import { totalOf } from "@/lib/metering/usage-query";
import type { Charge, Quantity } from "@/lib/rating";
import { overridesByOrg } from "@/lib/overrides/overrides";
import { usageChargesAt } from "@/lib/overrides/billing";
import type { AgentPlanHeld, CallUsage, OverageSpend, PeriodInput, PlanRef, PlanSegment } from "./period-lines";

type Period = { start: Date; end: Date };

const HOUR = 3_600_000;
/** The whole hours a period's usage is read over; a final period includes the hour it ends in. */
function readRange(p: Period, final?: boolean): Period {
  const r = hourRange(p);
  return final && r.end < p.end ? { start: r.start, end: new Date(r.end.getTime() + HOUR) } : r;
}

const planRef = (p: Plan, charges: Charge[] = p.charges): PlanRef => ({
  id: p.id,
  name: p.name,
  currency: p.currency,
  charges,
});

/** A list as one JSON parameter: the statement's text stays the same whatever the batch size, so it is prepared once. */
const json = (v: unknown) => sql`${JSON.stringify(v)}::text::json`;
const anyOf = (ids: string[]) => sql`any(array(select json_array_elements_text(${json(ids)})))`;

/** Plans by id; those the caller already holds are not read again (a round trip per batch saved). */
async function plansById(tx: Executor, ids: string[], known: Plan[] = []): Promise<Map<string, Plan>> {
  const out = new Map(known.map((p) => [p.id, p]));
  const missing = [...new Set(ids)].filter((id) => !out.has(id));
  if (missing.length) for (const p of await tx.select().from(plans).where(inArray(plans.id, missing))) out.set(p.id, p);
  return out;
}

type HistoryRow = { at: Date; planId: string };

/** The plan in force over the period: the plan of the newest history row at or before each instant; a change inside the period starts a segment (at the hour). `history`: the subscription's rows before the period's end, oldest first. */
function planSegments(history: HistoryRow[], sub: Subscription, period: Period): (Period & { planId: string })[] {
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

type AgentRow = {
  orgId: string;
  id: string;
  name: string;
  planId: string | null;
  createdAt: Date;
  archivedAt: Date | null;
};
type AgentHistoryRow = {
  orgId: string;
  agentId: string;
  previousPlanId: string | null;
  newPlanId: string | null;
  at: Date;
};

function agentPlansHeld(
  list: AgentRow[],
  history: AgentHistoryRow[],
  period: Period,
): { agentId: string; agentName: string; planId: string }[] {
  const held: { agentId: string; agentName: string; planId: string }[] = [];
  for (const a of list) {
    if (a.createdAt >= period.end) continue;
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

/** One meter of one segment to read: a group charge's meter is read per value of its property (`key`). */
type UsageRead = { orgId: string; meter: MeterDef; range: Period; key: string | null; group: boolean };
type RollupTotal = {
  j: number;
  meter_id: string;
  w: null;
  g: string | null;
  cnt: string;
  s: string | null;
  mx: string | null;
  lt: string | null;
  lt_at: string | null;
};

/**
 * The quantities of many segments' meters in one statement over the rollups (count, sum, max and
 * latest meters; unique_count meters are read per segment by pricedUsage), as pricedUsage gives
 * them: a plain meter's total, a group charge's meter per value of its property (a value the
 * event lacked under NO_GROUP), and a negative or missing total rated as 0.
 */
async function readUsage(tx: Executor, reads: UsageRead[]): Promise<Quantity[]> {
  const out: Quantity[] = reads.map((r) => (r.group ? { groups: {} } : "0"));
  const live = reads.map((r, j) => ({ r, j })).filter(({ r }) => r.range.end > r.range.start);
  if (live.length === 0) return out;
  // Summed per group_key text first (a few distinct keys), then the charge's property read from
  // each key once: parsing every hourly row's key as JSON cost 2.3 of 3.3 ms over a month of rollups.
  const latest = live.some(({ r }) => r.meter.aggregation === "latest");
  const innerLatest = latest
    ? sql`(array_agg(r.latest_value order by r.latest_at desc) filter (where r.latest_at is not null))[1] as lt, max(r.latest_at) as lt_at`
    : sql`null::numeric as lt, null::timestamptz as lt_at`;
  const found = await rows<RollupTotal>(
    sql`select t.j, t.m as meter_id, null::text as w, case when t.k is null then null else x.gk::jsonb ->> t.k end as g,
               sum(x.cnt)::text as cnt, sum(x.s)::text as s, max(x.mx)::text as mx,
               (array_agg(x.lt order by x.lt_at desc) filter (where x.lt_at is not null))[1]::text as lt,
               (extract(epoch from max(x.lt_at)) * 1000000)::bigint::text as lt_at
          from json_to_recordset(${json(
            live.map(({ r, j }) => ({
              j,
              o: r.orgId,
              m: r.meter.id,
              k: r.key,
              f: r.range.start.toISOString(),
              u: r.range.end.toISOString(),
            })),
          )}) as t(j int, o text, m text, k text, f timestamptz, u timestamptz)
          cross join lateral (
            select r.group_key as gk, sum(r.event_count) as cnt, sum(r.value_sum) as s, max(r.value_max) as mx, ${innerLatest}
              from usage_rollups r
             where r.org_id = t.o and r.meter_id = t.m and r.bucket_start >= t.f and r.bucket_start < t.u
             group by r.group_key) x
         group by t.j, t.m, 4`,
    tx,
  );
  const byRead = new Map<number, RollupTotal[]>();
  for (const f of found) {
    const j = Number(f.j);
    byRead.set(j, [...(byRead.get(j) ?? []), f]);
  }
  for (const { r, j } of live) {
    const list = byRead.get(j) ?? [];
    if (r.key) {
      const groups: Record<string, string> = {};
      for (const row of list) {
        const name = row.g ?? NO_GROUP;
        groups[name] = new D(groups[name] ?? "0").plus(ratable(totalOf(r.meter.aggregation, row))).toFixed();
      }
      out[j] = { groups };
    } else if (r.group) out[j] = { groups: { [NO_GROUP]: ratable(totalOf(r.meter.aggregation, list[0])) } };
    else out[j] = ratable(totalOf(r.meter.aggregation, list[0]));
  }
  return out;
}

/**
 * Per read of a linked meter, the part of its quantity drawn from credits (drawnQuantitySql: the
 * events ingested while one of its links was active), in the read's shape; undefined for a meter
 * no link ever drew. One statement for every linked meter of the batch; none when nothing is linked.
 */
async function readDrawn(tx: Executor, reads: UsageRead[], links: DrawdownLink[]): Promise<(Quantity | undefined)[]> {
  const out: (Quantity | undefined)[] = reads.map(() => undefined);
  const byMeter = new Map<string, DrawdownLink[]>();
  for (const l of links) byMeter.set(l.meterId, [...(byMeter.get(l.meterId) ?? []), l]);
  const parts: SQL[] = [];
  for (const [meterId, meterLinks] of byMeter) {
    const mine = reads.flatMap((r, j) => (r.meter.id === meterId && r.range.end > r.range.start ? [{ r, j }] : []));
    if (mine.length === 0) continue;
    for (const { r, j } of mine) out[j] = r.group ? { groups: {} } : "0";
    const t = sql`json_to_recordset(${json(
      mine.map(({ r, j }) => ({
        j,
        o: r.orgId,
        k: r.key,
        f: r.range.start.toISOString(),
        u: r.range.end.toISOString(),
      })),
    )}) as t(j int, o text, k text, f timestamptz, u timestamptz)`;
    parts.push(drawnQuantitySql(meterLinks, t));
  }
  if (parts.length === 0) return out;
  const found = await selectRows(
    { j: int, g: nullable(text), q: nullable(decimal) },
    sql.join(
      parts.map((p) => sql`(${p})`),
      sql` union all `,
    ),
    tx,
  );
  for (const f of found) {
    const j = f.j;
    const r = reads[j]!;
    const q = f.q ?? "0";
    if (!r.group) out[j] = new D(out[j] as string).plus(q).toFixed();
    else {
      const groups = (out[j] as { groups: Record<string, string> }).groups;
      const name = (r.key && f.g) || NO_GROUP;
      groups[name] = new D(groups[name] ?? "0").plus(q).toFixed();
    }
  }
  return out;
}

export type PeriodRequest = {
  sub: Subscription;
  period: Period;
  /**
   * No period follows (the subscription ended), so the hour the period ends in is read whole —
   * usage sent minutes before a cancel is billed, not lost between periods.
   */
  final?: boolean;
};

/**
 * The inputs of many periods, in the order asked, with one statement per table for the whole batch.
 * `knownPlans`: plans the caller already holds (not read again).
 */
export async function loadPeriodInputs(
  tx: Executor,
  requests: PeriodRequest[],
  opts: { knownPlans?: Plan[] } = {},
): Promise<PeriodInput[]> {
  if (requests.length === 0) return [];
  const items = requests.map((r, i) => ({ ...r, i, range: readRange(r.period, r.final) }));
  const orgIds = [...new Set(items.map((r) => r.sub.orgId))];
  const byItem = <T extends { i: number }>(list: T[]) => {
    const out = items.map(() => [] as T[]);
    for (const row of list) out[row.i]!.push(row);
    return out;
  };
  const ti = sql<number>`t.i`.mapWith(Number);
  // The reads go out together (pipelined on one connection inside a transaction).
  const since = new Date(Math.min(...items.map((r) => r.period.start.getTime())));
  const [
    historyRows,
    callRows,
    agentRows,
    agentHistoryRows,
    overageRows,
    balances,
    cachedMeters,
    overrides,
    addonRows,
  ] = await Promise.all([
    tx
      .select({ i: ti, at: subscriptionHistory.occurredAt, planId: subscriptionHistory.planId })
      .from(subscriptionHistory)
      .innerJoin(
        sql`json_to_recordset(${json(items.map((r) => ({ i: r.i, o: r.sub.orgId, s: r.sub.id, u: r.period.end.toISOString() })))}) as t(i int, o text, s text, u timestamptz)`,
        sql`${subscriptionHistory.orgId} = t.o and ${subscriptionHistory.subscriptionId} = t.s and ${subscriptionHistory.occurredAt} < t.u`,
      )
      .orderBy(sql`t.i`, asc(subscriptionHistory.occurredAt), asc(subscriptionHistory.recordedAt)),
    tx
      .select({
        i: ti,
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
      .innerJoin(
        sql`json_to_recordset(${json(items.map((r) => ({ i: r.i, o: r.sub.orgId, f: r.range.start.toISOString(), u: r.range.end.toISOString() })))}) as t(i int, o text, f timestamptz, u timestamptz)`,
        sql`${calls.orgId} = t.o and ${calls.status} = 'finalized' and ${calls.endedAt} >= t.f and ${calls.endedAt} < t.u`,
      ),
    tx
      .select({
        orgId: agents.orgId,
        id: agents.id,
        name: agents.name,
        planId: agents.planId,
        createdAt: agents.createdAt,
        archivedAt: agents.archivedAt,
      })
      .from(agents)
      .where(sql`${agents.orgId} = ${anyOf(orgIds)}`),
    tx
      .select({
        orgId: agentPlanHistory.orgId,
        agentId: agentPlanHistory.agentId,
        previousPlanId: agentPlanHistory.previousPlanId,
        newPlanId: agentPlanHistory.newPlanId,
        at: agentPlanHistory.createdAt,
      })
      .from(agentPlanHistory)
      .where(sql`${agentPlanHistory.orgId} = ${anyOf(orgIds)}`)
      .orderBy(asc(agentPlanHistory.createdAt)),
    tx
      .select({
        i: ti,
        credits: sql<string>`(-sum(${creditLedger.amount}))::text`,
        unitPrice: sql<string | null>`${creditLedger.unitPrice}::text`,
        currency: creditLedger.currency,
      })
      .from(creditLedger)
      .innerJoin(
        sql`json_to_recordset(${json(items.map((r) => ({ i: r.i, o: r.sub.orgId, f: r.period.start.toISOString(), u: r.period.end.toISOString() })))}) as t(i int, o text, f timestamptz, u timestamptz)`,
        sql`${creditLedger.orgId} = t.o and ${creditLedger.kind} = 'overage' and ${creditLedger.createdAt} >= t.f and ${creditLedger.createdAt} < t.u`,
      )
      .groupBy(sql`t.i`, creditLedger.unitPrice, creditLedger.currency)
      .orderBy(sql`t.i`, sql`max(${creditLedger.seq}) desc`),
    tx
      .select({ orgId: creditBalances.orgId, overage: creditBalances.overage })
      .from(creditBalances)
      .where(sql`${creditBalances.orgId} = ${anyOf(orgIds)}`),
    meterIndex({ tx }),
    // The customers' overrides that may touch these periods (lib/overrides): a charge's custom price.
    overridesByOrg(tx, orgIds, since),
    // Add-on charges waiting for each period's invoice (lib/addons).
    tx
      .select({
        i: ti,
        id: addonCharges.id,
        description: addonCharges.description,
        quantity: addonCharges.quantity,
        amountCents: addonCharges.amountCents,
        currency: addonCharges.currency,
        at: addonCharges.at,
      })
      .from(addonCharges)
      .innerJoin(
        sql`json_to_recordset(${json(items.map((r) => ({ i: r.i, s: r.sub.id, p: r.period.start.toISOString() })))}) as t(i int, s text, p timestamptz)`,
        sql`${addonCharges.subscriptionId} = t.s and ${addonCharges.periodStart} = t.p`,
      )
      .orderBy(sql`t.i`, asc(addonCharges.at), asc(addonCharges.id)),
  ]);
  const addonChargesOf = byItem(addonRows);
  const history = byItem(historyRows);
  const callsOf = byItem(callRows as (CallRow & { i: number })[]);
  const overageOf = byItem(overageRows);
  const overageOwed = new Map(balances.map((b) => [b.orgId, b.overage]));

  const segs = items.map((r) => planSegments(history[r.i]!, r.sub, r.period));
  const heldRaw = items.map((r) =>
    agentPlansHeld(
      agentRows.filter((a) => a.orgId === r.sub.orgId),
      agentHistoryRows.filter((h) => h.orgId === r.sub.orgId),
      r.period,
    ),
  );
  const byId = await plansById(
    tx,
    items.flatMap((r) => [
      ...segs[r.i]!.map((s) => s.planId),
      ...heldRaw[r.i]!.map((h) => h.planId),
      ...callsOf[r.i]!.flatMap((c) => (c.planId ? [c.planId] : [])),
      r.sub.planId,
    ]),
    opts.knownPlans,
  );
  // Each segment's charges: its plan's, repriced by the overrides in force at the segment's end
  // (lib/overrides/resolve.ts: that price rates the segment's whole usage).
  const chargesOf = items.map((r) =>
    segs[r.i]!.map((s) => {
      const plan = byId.get(s.planId);
      return plan ? usageChargesAt(plan.charges, overrides.get(r.sub.orgId) ?? [], s.end) : [];
    }),
  );
  // The cached index (5 s) serves; a meter a plan charges that it does not know yet reloads it.
  const charged = chargesOf.flat(2).flatMap((c) => (c.type === "usage" ? [c.meter] : []));
  // Every credit-meter link ever made (a few): the usage they drew is not billed in arrears.
  const links = await allLinks(tx);
  const meterIdx = charged.every((code) => cachedMeters.byCode.has(code))
    ? cachedMeters
    : await meterIndex({ tx, fresh: true });

  // Every segment's rollup meters in one read; unique_count meters per segment.
  const reads: UsageRead[] = [];
  const planned = items.map((r) =>
    segs[r.i]!.flatMap((s, n) => {
      const found = byId.get(s.planId);
      if (!found) return [];
      const plan = { ...found, charges: chargesOf[r.i]![n]! };
      const codes = new Set(plan.charges.flatMap((c) => (c.type === "usage" ? [c.meter] : [])));
      const used = meterIdx.all.filter((m) => codes.has(m.code));
      const hours = readRange(s, r.final && n === segs[r.i]!.length - 1);
      const groupFor = new Map<string, string>();
      for (const c of plan.charges) if (c.type === "usage" && c.model === "group") groupFor.set(c.meter, c.group_by);
      const first = reads.length;
      const rollup = used.filter((m) => m.aggregation !== "unique_count");
      for (const m of rollup) {
        const key = groupFor.get(m.code);
        reads.push({
          orgId: r.sub.orgId,
          meter: m,
          range: hours,
          key: key && m.groupBy.includes(key) ? key : null,
          group: key !== undefined,
        });
      }
      const unique = used.filter((m) => m.aggregation === "unique_count");
      return [{ seg: s, plan, hours, rollup, unique, first }];
    }),
  );
  const [quantities, drawnQuantities] = await Promise.all([readUsage(tx, reads), readDrawn(tx, reads, links)]);

  const inputs: PeriodInput[] = [];
  for (const r of items) {
    const recorded = callsOf[r.i]!.filter((c) => c.usageRecorded);
    const segments: PlanSegment[] = [];
    for (const p of planned[r.i]!) {
      const usage: Record<string, Quantity> = {};
      const drawn: Record<string, Quantity> = {};
      p.rollup.forEach((m, n) => {
        usage[m.code] = quantities[p.first + n]!;
        const d = drawnQuantities[p.first + n];
        if (d !== undefined) drawn[m.code] = d;
      });
      if (p.unique.length)
        Object.assign(usage, (await pricedUsage(r.sub.orgId, p.unique, p.hours, p.plan, tx)).quantities);
      const byCode = new Map([...p.rollup, ...p.unique].map((m) => [m.code, m]));
      for (const c of recorded) {
        if (!c.endedAt || c.endedAt < p.hours.start || c.endedAt >= p.hours.end) continue;
        for (const [code, value] of Object.entries(c.usageMetrics ?? {})) {
          const m = byCode.get(code);
          if (!m || (m.aggregation !== "sum" && m.aggregation !== "count")) continue;
          usage[code] = subtract(usage[code], value)!;
        }
      }
      segments.push({
        start: p.seg.start,
        end: p.seg.end,
        plan: planRef(p.plan, p.plan.charges),
        usage,
        ...(Object.keys(drawn).length && { drawn }),
      });
    }

    const callUsage: CallUsage[] = [];
    for (const c of callsOf[r.i]!) {
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

    const agentPlans: AgentPlanHeld[] = heldRaw[r.i]!.flatMap((h) => {
      const plan = byId.get(h.planId);
      return plan ? [{ agentId: h.agentId, agentName: h.agentName, plan: planRef(plan) }] : [];
    });
    const overage: OverageSpend[] = overageOf[r.i]!.flatMap((o) =>
      o.unitPrice && o.currency ? [{ credits: Number(o.credits), unitPrice: o.unitPrice, currency: o.currency }] : [],
    );
    const [first] = segments;
    inputs.push({
      subscriptionId: r.sub.id,
      period: r.period,
      currency: first?.plan.currency ?? byId.get(r.sub.planId)?.currency ?? "usd",
      segments,
      calls: callUsage,
      agentPlans,
      overage,
      overageOutstanding: overageOwed.get(r.sub.orgId) ?? 0,
      meterUnits: Object.fromEntries(meterIdx.all.map((m) => [m.code, m.unit])),
      addonCharges: addonChargesOf[r.i]!.map(({ i: _i, ...c }) => c),
    });
  }
  return inputs;
}

/** One period's input (a batch of one). */
export async function loadPeriodInput(
  tx: Executor,
  sub: Subscription,
  period: Period,
  opts: { final?: boolean; knownPlans?: Plan[] } = {},
): Promise<PeriodInput> {
  const [input] = await loadPeriodInputs(tx, [{ sub, period, final: opts.final }], { knownPlans: opts.knownPlans });
  return input!;
}
