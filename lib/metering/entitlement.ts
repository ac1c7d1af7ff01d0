// GET /api/v1/entitlements/{meter}: may this customer use more of a meter now? Read from the
// rollups over the plan-limit period (limit-period.ts), cheap enough to call before every request
// of the customer's product: the meter comes from the in-memory catalog, then one query finds the
// customer and its live subscription with the plan's limits, and one sums the period's rollups.
//
// allowed: true when the plan does not limit the meter, when the limit is soft (usage beyond it
// is billed, and alerted), or when used + quantity ≤ limit. A customer without a live
// subscription is not allowed.
import "server-only";
import { sql } from "drizzle-orm";
import { hotQuery } from "./hot-query";
import type { PlanLimit, SubscriptionStatus } from "@/lib/db/schema";
import { invalidField, notFound } from "@/lib/http/errors";
import { D } from "@/lib/money";
import { hourRange, limitPeriod } from "./limit-period";
import { meterIndex } from "./meters";
import { queryUsage } from "./usage-query";

type Row = {
  org_id: string;
  external_id: string | null;
  sub_id: string | null;
  status: SubscriptionStatus | null;
  interval: "month" | "year" | null;
  anchor_ms: string | null;
  start_ms: string | null;
  end_ms: string | null;
  limits: PlanLimit[] | string | null;
  plan_code: string | null;
};

/** `customer` is Tally's id or the external id; `ownOrgId` restricts a customer's key or session to itself. */
export async function entitlement(customer: string, meterCode: string, opts: { quantity?: number; ownOrgId?: string | null; now?: Date }) {
  const now = opts.now ?? new Date();
  const meter = (await meterIndex()).byCode.get(meterCode);
  if (!meter) throw invalidField("meter", `no meter has the code "${meterCode}"`);
  const ms = (col: string) => sql.raw(`(extract(epoch from s.${col}) * 1000)::bigint::text`);
  const [row] = await hotQuery<Row>(
    sql`with o as (
          select id, external_id from organizations where id = ${customer}
          union all
          select id, external_id from organizations where external_id = ${customer} and id <> ${customer}
          limit 1
        )
        select o.id as org_id, o.external_id, s.id as sub_id, s.status, s.interval, ${ms("billing_anchor")} as anchor_ms,
               ${ms("current_period_start")} as start_ms, ${ms("current_period_end")} as end_ms, p.limits, p.code as plan_code
          from o
          left join subscriptions s on s.org_id = o.id and s.status in ('incomplete', 'trialing', 'active', 'past_due')
          left join plans p on p.id = s.plan_id`,
  );
  if (!row || (opts.ownOrgId && row.org_id !== opts.ownOrgId)) throw notFound("Customer");
  const quantity = new D(opts.quantity ?? 1);
  const base = { customer_id: row.org_id, external_customer_id: row.external_id, meter: meter.code, unit: meter.unit };
  if (!row.sub_id || !row.status || !row.interval) {
    return { ...base, allowed: false, reason: "no_subscription", used: null, limit: null, remaining: null, enforcement: null, unlimited: false, plan: null, period_start: null, period_end: null, resets_at: null };
  }
  const sub = {
    interval: row.interval,
    status: row.status,
    billingAnchor: new Date(Number(row.anchor_ms)),
    currentPeriodStart: new Date(Number(row.start_ms)),
    currentPeriodEnd: new Date(Number(row.end_ms)),
  };
  const period = limitPeriod(sub, now);
  const limits = (typeof row.limits === "string" ? JSON.parse(row.limits) : (row.limits ?? [])) as PlanLimit[];
  const limit = limits.find((l) => l.meter === meter.code);
  const [usage] = await queryUsage({ orgId: row.org_id, meters: [meter], range: hourRange(period) });
  const used = new D(usage?.value ?? "0");
  const common = { ...base, plan: row.plan_code, used: used.toFixed(), period_start: period.start.toISOString(), period_end: period.end.toISOString(), resets_at: period.end.toISOString() };
  if (!limit) return { ...common, allowed: true, reason: "unlimited", limit: null, remaining: null, enforcement: null, unlimited: true };
  const remaining = D.max(0, new D(limit.limit).minus(used));
  const within = used.plus(quantity).lte(limit.limit);
  return {
    ...common,
    allowed: limit.enforcement === "soft" || within,
    reason: within ? "within_limit" : limit.enforcement === "soft" ? "soft_limit_exceeded" : "limit_reached",
    limit: limit.limit,
    remaining: remaining.toFixed(),
    enforcement: limit.enforcement,
    unlimited: false,
  };
}
