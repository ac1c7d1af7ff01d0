// Usage revenue and provider cost per customer over a range, read from the metering rollups in
// bulk (one query for every customer, never one per customer):
//   usage revenue = the range's quantities rated with the customer's plan by lib/rating's ratePlan
//                   (usage charges only; exact, in major units)
//   provider cost = LLM tokens × the provider's per-token price in effect at the hour they were
//                   used (model_prices is effective-dated), for every meter that groups by `model`
//                   and reads input or output tokens (as lib/metering/model-usage.ts prices them)
// Count, sum and max meters are combined from the rollup rows here exactly as lib/metering's
// queryUsage combines them; unique-count and latest meters, which need more than the rollup
// sums, are read through queryUsage for the few customers whose plan charges for them.
import "server-only";
import { sql } from "drizzle-orm";
import { db, type Executor } from "@/lib/db/client";
import { decimal, label, nullable, selectRows, text, type RowOf } from "@/lib/db/rows";
import type { Plan } from "@/lib/db/schema";
import { parseGroupKey } from "@/lib/metering/contributions";
import { meterIndex, type MeterDef } from "@/lib/metering/meters";
import { NO_GROUP, ratable } from "@/lib/metering/priced-usage";
import { queryUsage } from "@/lib/metering/usage-query";
import { D, type Dec } from "@/lib/money";
import { log } from "@/lib/log";
import { ratePlan, RatingInputError, type Quantity, type UsageCharge } from "@/lib/rating";
import { ZERO } from "./mrr";

export type Range = { start: Date; end: Date };

/** Exact amounts in major units of the currency; tokens as decimal strings. */
export type CustomerUsage = { revenue: Dec; cost: Dec; inputTokens: string; outputTokens: string };

const rollupSum = {
  org_id: text,
  meter_id: text,
  group_key: text,
  cnt: decimal,
  s: nullable(decimal),
  mx: nullable(decimal),
};
type RollupSum = RowOf<typeof rollupSum>;

const jsonList = (values: string[]) =>
  sql`array(select json_array_elements_text(${JSON.stringify(values)}::text::json))`;

/** The side of an LLM meter: input or output tokens, by the property it sums; null for other meters. */
export function tokenSide(m: MeterDef): "input" | "output" | null {
  if (!m.groupBy.includes("model") || m.aggregation !== "sum") return null;
  return /input/i.test(m.property ?? "") ? "input" : /output/i.test(m.property ?? "") ? "output" : null;
}

function combine(aggregation: MeterDef["aggregation"], list: RollupSum[]): string | null {
  if (aggregation === "count") return list.reduce((a, r) => a.plus(r.cnt), new D(0)).toFixed();
  if (aggregation === "sum") return list.reduce((a, r) => (r.s === null ? a : a.plus(r.s)), new D(0)).toFixed();
  let best: Dec | null = null;
  for (const r of list) if (r.mx !== null && (best === null || best.lt(r.mx))) best = new D(r.mx);
  return best ? best.toFixed() : null;
}

/**
 * What each customer's usage in the range comes to under its plan (usage charges only), exact, in
 * the plan's major units. Customers without a plan, or whose plan is in another currency than
 * `currency` (null: any), are left out.
 */
export async function ratedUsage(
  range: Range,
  plans: Map<string, Plan>,
  currency: string | null,
  tx: Executor = db,
): Promise<Map<string, Dec>> {
  const index = await meterIndex();
  const charged = new Map<string, UsageCharge[]>();
  for (const [orgId, plan] of plans) {
    if (currency !== null && plan.currency !== currency) continue;
    const usage = plan.charges.filter((c): c is UsageCharge => c.type === "usage");
    if (usage.length) charged.set(orgId, usage);
  }
  if (charged.size === 0 || range.end <= range.start) return new Map();
  const meterCodes = new Set([...charged.values()].flat().map((c) => c.meter));
  const meters = [...meterCodes].map((c) => index.byCode.get(c)).filter((m): m is MeterDef => Boolean(m));
  const rollupMeters = meters.filter(
    (m) => m.aggregation === "count" || m.aggregation === "sum" || m.aggregation === "max",
  );
  const found = rollupMeters.length
    ? await selectRows(
        rollupSum,
        sql`select org_id, meter_id, group_key, sum(event_count)::text as cnt, sum(value_sum)::text as s, max(value_max)::text as mx
            from usage_rollups
            where bucket_start >= ${range.start.toISOString()}::timestamptz and bucket_start < ${range.end.toISOString()}::timestamptz
              and meter_id = any(${jsonList(rollupMeters.map((m) => m.id))})
              and org_id = any(${jsonList([...charged.keys()])})
            group by 1, 2, 3`,
        tx,
      )
    : [];
  const byOrgMeter = new Map<string, RollupSum[]>();
  for (const r of found) {
    const k = `${r.org_id}\u0000${r.meter_id}`;
    const list = byOrgMeter.get(k);
    if (list) list.push(r);
    else byOrgMeter.set(k, [r]);
  }
  const orgsWithRollups = new Set(found.map((r) => r.org_id));

  const out = new Map<string, Dec>();
  for (const [orgId, charges] of charged) {
    const plan = plans.get(orgId)!;
    const groupFor = new Map<string, string>();
    for (const c of charges) if (c.model === "group") groupFor.set(c.meter, c.group_by);
    const quantities: Record<string, Quantity> = {};
    for (const code of new Set(charges.map((c) => c.meter))) {
      const meter = index.byCode.get(code);
      if (!meter) continue;
      const key = groupFor.get(code);
      if (meter.aggregation === "unique_count" || meter.aggregation === "latest") {
        const [u] = await queryUsage(
          { orgId, meters: [meter], range, groupBy: key && meter.groupBy.includes(key) ? [key] : [] },
          tx,
        );
        if (key) {
          const groups: Record<string, string> = {};
          for (const g of u?.groups ?? [{ group: {}, value: u?.value ?? null }]) {
            const name = g.group[key] ?? NO_GROUP;
            groups[name] = new D(groups[name] ?? "0").plus(ratable(g.value)).toFixed();
          }
          quantities[code] = { groups };
        } else quantities[code] = ratable(u?.value ?? null);
        continue;
      }
      if (!orgsWithRollups.has(orgId)) continue;
      const list = byOrgMeter.get(`${orgId}\u0000${meter.id}`) ?? [];
      if (key) {
        // Per value of the charge's property; a meter that does not group by it has no value: NO_GROUP.
        const byValue = new Map<string, RollupSum[]>();
        for (const r of list) {
          const name = (meter.groupBy.includes(key) ? parseGroupKey(r.group_key)[key] : null) ?? NO_GROUP;
          byValue.set(name, [...(byValue.get(name) ?? []), r]);
        }
        quantities[code] = {
          groups: Object.fromEntries([...byValue].map(([name, l]) => [name, ratable(combine(meter.aggregation, l))])),
        };
      } else quantities[code] = ratable(combine(meter.aggregation, list));
    }
    if (Object.keys(quantities).length === 0) continue;
    let rated;
    try {
      rated = ratePlan(charges, quantities, plan.currency, { explain: false });
    } catch (e) {
      // A plan the rating engine refuses (it validated when saved, so this is a bug): leave the customer out, say so.
      if (!(e instanceof RatingInputError)) throw e;
      log.warn({ org_id: orgId, plan_id: plan.id, err: e }, "usage revenue: plan could not be rated");
      continue;
    }
    const amount = rated.lines.filter((l) => l.type === "usage").reduce((a, l) => a.plus(l.amount), ZERO);
    if (!amount.isZero()) out.set(orgId, amount);
  }
  return out;
}

export type TokenCost = { cost: Dec; inputTokens: Dec; outputTokens: Dec };

/** LLM tokens and their provider cost per customer in the range (optionally only some customers). */
export async function tokenCosts(
  range: Range,
  currency: string,
  orgIds?: string[],
  tx: Executor = db,
): Promise<Map<string, TokenCost>> {
  const sides = (await meterIndex()).all
    .map((m) => ({ id: m.id, side: tokenSide(m) }))
    .filter((m): m is { id: string; side: "input" | "output" } => m.side !== null);
  if (sides.length === 0 || range.end <= range.start || (orgIds && orgIds.length === 0)) return new Map();
  const list = await selectRows(
    { org_id: text, side: label<"input" | "output">(), tokens: nullable(decimal), cost: nullable(decimal) },
    sql`with sides as (
          select * from json_to_recordset(${JSON.stringify(sides)}::text::json) as s(id text, side text)
        ),
        -- Each model's price from its effective date until the next one (one row per model and date).
        prices as (
          select model, effective_from, input_price_per_token, output_price_per_token,
                 lead(effective_from) over (partition by model order by effective_from) as effective_to
          from (select distinct on (model, effective_from) * from model_prices where currency = ${currency} order by model, effective_from, created_at desc) p
        ),
        usage as (
          select r.org_id, s.side, r.group_key::jsonb ->> 'model' as model, r.bucket_start, sum(r.value_sum) as tokens
          from usage_rollups r join sides s on s.id = r.meter_id
          where r.bucket_start >= ${range.start.toISOString()}::timestamptz and r.bucket_start < ${range.end.toISOString()}::timestamptz
            ${orgIds ? sql`and r.org_id = any(${jsonList(orgIds)})` : sql``}
          group by 1, 2, 3, 4
        )
        select u.org_id, u.side, sum(u.tokens)::text as tokens,
               sum(u.tokens * case when u.side = 'input' then p.input_price_per_token else p.output_price_per_token end)::text as cost
        from usage u
        left join prices p on p.model = u.model and u.bucket_start >= p.effective_from and (p.effective_to is null or u.bucket_start < p.effective_to)
        group by 1, 2`,
    tx,
  );
  const out = new Map<string, TokenCost>();
  for (const r of list) {
    const c = out.get(r.org_id) ?? { cost: ZERO, inputTokens: ZERO, outputTokens: ZERO };
    c.cost = c.cost.plus(r.cost ?? "0");
    if (r.side === "input") c.inputTokens = c.inputTokens.plus(r.tokens ?? "0");
    else c.outputTokens = c.outputTokens.plus(r.tokens ?? "0");
    out.set(r.org_id, c);
  }
  return out;
}

/** Usage revenue and cost per customer in the range, with each customer's plan. */
export async function usageByCustomer(
  currency: string,
  range: Range,
  plans: Map<string, Plan>,
  tx: Executor = db,
): Promise<Map<string, CustomerUsage>> {
  const [revenue, costs] = await Promise.all([
    ratedUsage(range, plans, currency, tx),
    tokenCosts(range, currency, undefined, tx),
  ]);
  const out = new Map<string, CustomerUsage>();
  for (const orgId of new Set([...revenue.keys(), ...costs.keys()])) {
    const c = costs.get(orgId);
    out.set(orgId, {
      revenue: revenue.get(orgId) ?? ZERO,
      cost: c?.cost ?? ZERO,
      inputTokens: (c?.inputTokens ?? ZERO).toFixed(),
      outputTokens: (c?.outputTokens ?? ZERO).toFixed(),
    });
  }
  return out;
}
