// The one read behind the boolean/numeric entitlement check and the list of a customer's features:
// the customer (Tally id or external id) and its live subscription's plan version, in one
// statement over primary-key and org-led indexes.
import "server-only";
import { sql } from "drizzle-orm";
import { rows } from "@/lib/db/client";
import type { PlanFeatureGrant, PlanLimit, SubscriptionStatus } from "@/lib/db/schema";
import { env } from "@/lib/env";
import { notFound } from "@/lib/http/errors";
import { accessFor, type Access } from "@/lib/payments/access";
import { overridesInForceSql, parseOverrideRows } from "@/lib/overrides/in-force-sql";
import { resolveTerms, type TermSource } from "@/lib/overrides/resolve";
import { addOnTermsLayer, parseHeld, type HeldAddon } from "@/lib/addons/grants";
import { heldAddonsSql } from "@/lib/addons/live";

type Row = {
  org_id: string;
  external_id: string | null;
  status: SubscriptionStatus | null;
  past_due_ms: string | null;
  end_ms: string | null;
  plan_code: string | null;
  features: PlanFeatureGrant[] | string | null;
  limits: PlanLimit[] | string | null;
  overrides: unknown;
  addons: HeldAddon[] | string | null;
};

export type CustomerPlan = {
  orgId: string;
  externalId: string | null;
  /** Null without a live subscription. */
  plan: {
    code: string;
    status: SubscriptionStatus;
    /** The plan's grants with the customer's overrides in force applied (lib/overrides/resolve.ts). */
    features: PlanFeatureGrant[];
    limits: PlanLimit[];
    /** `feature:<key>` → where that grant comes from, for grants not the plan's. */
    sources: Record<string, TermSource>;
    /** The subscription's live add-ons (their grants are in features and limits already: lib/addons/grants). */
    addons: HeldAddon[];
  } | null;
  access: Access;
};

const parsed = <T>(v: T[] | string | null): T[] => (typeof v === "string" ? (JSON.parse(v) as T[]) : (v ?? []));

/** `ownOrgId` restricts a customer's key or session to itself: another customer reads as missing (404). */
export async function customerPlan(
  customer: string,
  opts: { ownOrgId?: string | null; now: Date },
): Promise<CustomerPlan> {
  const [row] = await rows<Row>(
    sql`with o as (
          select id, external_id from organizations where id = ${customer}
          union all
          select id, external_id from organizations where external_id = ${customer} and id <> ${customer}
          limit 1
        ),
        s as (
          select s.status, s.past_due_since, s.current_period_end, p.code, p.features, p.limits,
                 ${heldAddonsSql(sql`s.id`)} as addons
            from subscriptions s join plans p on p.id = s.plan_id
           where s.org_id = (select id from o) and s.status in ('incomplete', 'trialing', 'active', 'past_due')
           limit 1
        )
        select o.id as org_id, o.external_id, s.status, s.code as plan_code, s.features, s.limits, s.addons,
               (extract(epoch from s.past_due_since) * 1000)::bigint::text as past_due_ms,
               (extract(epoch from s.current_period_end) * 1000)::bigint::text as end_ms,
               ${overridesInForceSql(sql`o.id`, opts.now, { kind: "feature" })} as overrides
          from o left join s on true`,
  );
  if (!row || (opts.ownOrgId && row.org_id !== opts.ownOrgId)) throw notFound("Customer");
  if (!row.status || !row.plan_code)
    return { orgId: row.org_id, externalId: row.external_id, plan: null, access: accessFor(null, opts.now, 0) };
  const access = accessFor(
    {
      status: row.status,
      pastDueSince: row.past_due_ms ? new Date(Number(row.past_due_ms)) : null,
      currentPeriodEnd: new Date(Number(row.end_ms)),
      trialEnd: null,
    },
    opts.now,
    env().PAST_DUE_GRACE_DAYS,
  );
  return {
    orgId: row.org_id,
    externalId: row.external_id,
    plan: { code: row.plan_code, status: row.status, ...featureTerms(row, opts.now) },
    access,
  };
}

/** The plan's features and limits, then the overrides in force (override > add-on > plan). */
/** Plan, then the live add-ons' grants (lib/addons/grants), then the overrides in force (lib/overrides/resolve). */
function featureTerms(row: Row, now: Date) {
  const plan = {
    charges: [],
    features: parsed(row.features),
    limits: parsed(row.limits),
    includedCredits: 0,
    trialDays: 0,
  };
  const addons = parseHeld(row.addons);
  const { features, limits, sources } = resolveTerms(plan, parseOverrideRows(row.overrides), now, {
    addOns: addOnTermsLayer(addons),
  });
  return { features, limits, sources, addons };
}

/** Paid features pause while a first payment is pending or a payment is overdue past grace (lib/payments/access.ts). */
export const paused = (access: Access) => access.level === "reduced" || access.level === "none";
