// GET /api/v1/entitlements/{meter}: may this customer use more of a meter now? Read from the
// rollups over the plan-limit period (limit-period.ts), cheap enough to call before every request
// of the customer's product: the meter comes from the in-memory catalog, then one query finds the
// customer, its live subscription with the plan's limits and the limit period, and sums the
// period's rollups (count, sum and max meters; latest and unique_count take a second query).
//
// allowed: true when the plan does not limit the meter, when the limit is soft (usage beyond it
// is billed, and alerted), or when used + quantity ≤ limit. A customer without a live
// subscription is not allowed, nor one whose payment is overdue past the grace period.
import "server-only";
import { rows } from "@/lib/db/client";
import { sql, type SQL } from "drizzle-orm";
import type { PlanLimit, SubscriptionStatus } from "@/lib/db/schema";
import { invalidField, notFound } from "@/lib/http/errors";
import { D } from "@/lib/money";
import { env } from "@/lib/env";
import { accessFor } from "@/lib/payments/access";
import { withSpendingCap } from "@/lib/billing/spending-cap";
import { creditEntitlement } from "@/lib/credits/drawdown-entitlement";
import {
  creditPriceOf,
  drawdownLinks,
  exactBalanceColumns,
  exactBalanceOf,
  type ExactBalanceRow,
} from "@/lib/credits/drawdown-read";
import { addOnTermsLayer, parseHeld, type HeldAddon } from "@/lib/addons/grants";
import { heldAddonsSql } from "@/lib/addons/live";
import { hourRange } from "./limit-period";
import { meterIndex, type MeterDef } from "./meters";
import type { EntitlementJson } from "./schemas";
import { queryUsage } from "./usage-query";
import { overridesInForceSql, parseOverrideRows } from "@/lib/overrides/in-force-sql";
import { resolveTerms } from "@/lib/overrides/resolve";

type Row = {
  org_id: string;
  external_id: string | null;
  sub_id: string | null;
  status: SubscriptionStatus | null;
  interval: "month" | "year" | null;
  start_ms: string | null;
  end_ms: string | null;
  limits: PlanLimit[] | string | null;
  plan_code: string | null;
  past_due_ms: string | null;
  /** The operator's overrides of this meter's limit in force now (lib/overrides), or null. */
  limit_overrides: unknown;
  addons: HeldAddon[] | string | null;
};

/**
 * `customer` is Tally's id or the external id; `ownOrgId` restricts a customer's key or session to
 * itself. A meter priced in credits (lib/credits/drawdown-links.ts) also needs the credits for the
 * quantity, counting usage not yet drawn, unless the customer's usage continues as overage.
 */
export async function entitlement(
  customer: string,
  meterCode: string,
  opts: { quantity?: number; ownOrgId?: string | null; now?: Date },
): Promise<EntitlementJson> {
  const now = opts.now ?? new Date();
  const meter = (await meterIndex()).byCode.get(meterCode);
  if (!meter) throw invalidField("meter", `no meter has the code "${meterCode}"`);
  const links = await drawdownLinks();
  const price = creditPriceOf(links, meter.id);
  // The plan's answer, the hard spending cap and — for a meter priced in credits — the exact
  // balance, in one statement: one round trip in the common case (no hard cap).
  const extra = sql`(select amount_cents::text from spending_caps c where c.org_id = o.id and c.mode = 'hard') as hard_cap_cents
                    ${price === null ? sql`` : sql`, ${exactBalanceColumns(sql`o.id`, links)}`}`;
  const { answer, row } = await planEntitlement(customer, meter, { ...opts, now }, extra);
  const credited = price === null ? answer : creditEntitlement(answer, price, exactBalanceOf(row), opts.quantity ?? 1);
  return withSpendingCap(credited, row.hard_cap_cents === null ? null : Number(row.hard_cap_cents), now);
}

type Extra = ExactBalanceRow & { hard_cap_cents: string | null };

async function planEntitlement(
  customer: string,
  meter: MeterDef,
  opts: { quantity?: number; ownOrgId?: string | null; now: Date },
  extra: SQL,
) {
  const now = opts.now;
  // One query: the customer, its live subscription with the plan's limits, the limit period
  // (limit-period.ts, computed here in SQL: the current period for monthly plans and trials, else
  // the month of the subscription's schedule containing now), and — for count, sum and max
  // meters — the period's total from the rollups. Other aggregations read it with queryUsage.
  const total =
    meter.aggregation === "count"
      ? sql`coalesce(sum(r.event_count), 0)::text`
      : meter.aggregation === "sum"
        ? sql`coalesce(sum(r.value_sum), 0)::text`
        : meter.aggregation === "max"
          ? sql`max(r.value_max)::text`
          : null;
  const nowIso = now.toISOString();
  const [row] = await rows<Row & Extra & { used: string | null }>(
    sql`with o as (
          select id, external_id from organizations where id = ${customer}
          union all
          select id, external_id from organizations where external_id = ${customer} and id <> ${customer}
          limit 1
        ),
        s as (
          select s.id, s.status, s.interval, s.current_period_start, s.current_period_end, s.past_due_since, p.limits, p.code,
                 ${heldAddonsSql(sql`s.id`)} as addons,
                 s.billing_anchor at time zone 'UTC' as anchor, ${nowIso}::timestamptz at time zone 'UTC' as now_utc
            from subscriptions s join plans p on p.id = s.plan_id
           where s.org_id = (select id from o) and s.status in ('incomplete', 'trialing', 'active', 'past_due')
        ),
        m as (
          -- Months from the anchor to now; age() can be one short or long at month ends, so step once.
          select s.*, greatest(0, n0 - (case when anchor + make_interval(months => n0) > now_utc then 1 else 0 end)
                                     + (case when anchor + make_interval(months => n0 + 1) <= now_utc then 1 else 0 end)) as n
            from s, lateral (select (extract(year from age(now_utc, anchor)) * 12 + extract(month from age(now_utc, anchor)))::int as n0) a
        ),
        per as (
          select m.*,
                 case when m.interval = 'month' or m.status = 'trialing' then m.current_period_start
                      else (m.anchor + make_interval(months => m.n)) at time zone 'UTC' end as ps,
                 case when m.interval = 'month' or m.status = 'trialing' then m.current_period_end
                      else (m.anchor + make_interval(months => m.n + 1)) at time zone 'UTC' end as pe
            from m
        )
        select o.id as org_id, o.external_id, per.id as sub_id, per.status, per.interval, per.limits, per.code as plan_code, per.addons,
               (extract(epoch from per.past_due_since) * 1000)::bigint::text as past_due_ms,
               (extract(epoch from per.ps) * 1000)::bigint::text as start_ms, (extract(epoch from per.pe) * 1000)::bigint::text as end_ms,
               ${
                 total === null
                   ? sql`null::text`
                   : sql`(select ${total} from usage_rollups r
                   where r.org_id = o.id and r.meter_id = ${meter.id}
                     and r.bucket_start >= date_trunc('hour', per.ps, 'UTC') and r.bucket_start < date_trunc('hour', per.pe, 'UTC'))`
               } as used,
               ${overridesInForceSql(sql`o.id`, now, { kind: "feature", target: meter.code })} as limit_overrides,
               ${extra}
          from o left join per on true`,
  );
  if (!row || (opts.ownOrgId && row.org_id !== opts.ownOrgId)) throw notFound("Customer");
  const done = <A extends { customer_id: string; allowed: boolean; reason: EntitlementJson["reason"] }>(answer: A) => ({
    answer,
    row,
  });
  const quantity = new D(opts.quantity ?? 1);
  const base = { customer_id: row.org_id, external_customer_id: row.external_id, meter: meter.code, unit: meter.unit };
  if (!row.sub_id || !row.status || !row.interval) {
    return done({
      ...base,
      allowed: false,
      reason: "no_subscription",
      used: null,
      limit: null,
      remaining: null,
      enforcement: null,
      unlimited: false,
      plan: null,
      period_start: null,
      period_end: null,
      resets_at: null,
    });
  }
  const period = { start: new Date(Number(row.start_ms)), end: new Date(Number(row.end_ms)) };
  // Paid features follow the subscription's status: past due beyond the grace period, or a first
  // payment still pending, pauses them (lib/payments/access.ts).
  const access = accessFor(
    {
      status: row.status,
      pastDueSince: row.past_due_ms ? new Date(Number(row.past_due_ms)) : null,
      currentPeriodEnd: period.end,
      trialEnd: null,
    },
    now,
    env().PAST_DUE_GRACE_DAYS,
  );
  const planLimits = (typeof row.limits === "string" ? JSON.parse(row.limits) : (row.limits ?? [])) as PlanLimit[];
  // Plan, then the add-ons' limits added (lib/addons/grants), then an override of the limit (lib/overrides/resolve.ts;
  // its null limit is unlimited).
  const terms = resolveTerms(
    { charges: [], features: [], limits: planLimits, includedCredits: 0, trialDays: 0 },
    parseOverrideRows(row.limit_overrides),
    now,
    { addOns: addOnTermsLayer(parseHeld(row.addons)) },
  );
  const limit = terms.limits.find((l) => l.meter === meter.code);
  const custom = terms.sources[`feature:${meter.code}`] === "override" ? { source: "override" as const } : {};
  const used = new D(
    total === null
      ? ((await queryUsage({ orgId: row.org_id, meters: [meter], range: hourRange(period) }))[0]?.value ?? "0")
      : (row.used ?? "0"),
  );
  const common = {
    ...base,
    ...custom,
    plan: row.plan_code,
    used: used.toFixed(),
    period_start: period.start.toISOString(),
    period_end: period.end.toISOString(),
    resets_at: period.end.toISOString(),
  };
  if (access.level === "reduced" || access.level === "none") {
    return done({
      ...common,
      allowed: false,
      reason: row.status === "incomplete" ? "payment_pending" : "payment_overdue",
      limit: limit?.limit ?? null,
      remaining: null,
      enforcement: limit?.enforcement ?? null,
      unlimited: !limit,
      message: access.message,
    });
  }
  if (!limit)
    return done({
      ...common,
      allowed: true,
      reason: "unlimited",
      limit: null,
      remaining: null,
      enforcement: null,
      unlimited: true,
    });
  const remaining = D.max(0, new D(limit.limit).minus(used));
  const within = used.plus(quantity).lte(limit.limit);
  return done({
    ...common,
    allowed: limit.enforcement === "soft" || within,
    reason: within ? "within_limit" : limit.enforcement === "soft" ? "soft_limit_exceeded" : "limit_reached",
    limit: limit.limit,
    remaining: remaining.toFixed(),
    enforcement: limit.enforcement,
    unlimited: false,
  });
}
