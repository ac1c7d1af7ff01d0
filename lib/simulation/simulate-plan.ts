// A plan's price simulation: before a new version (or a new plan) goes on sale, its terms are rated
// against the real usage of the customers it would bill — the live subscribers of the versions it
// replaces, or of the plan the operator names (compare_to) — next to what they pay today.
import "server-only";
import { and, asc, eq, inArray, ne } from "drizzle-orm";
import { db, type Executor } from "@/lib/db/client";
import { LIVE_STATUSES, organizations, plans, subscriptions, type Plan } from "@/lib/db/schema";
import { planStatus } from "@/lib/catalog/plan-status";
import { invalidField, notFound } from "@/lib/http/errors";
import { monthWindow, rateCustomers, type CustomerTerms } from "./rate-customers";
import { summarize } from "./summarize";
import type { SimulationJson, SimulationRequest } from "./schemas";
import { termsOfPlan } from "./terms";

type Proposal = {
  plan: Plan;
  comparedWith: SimulationJson["compared_with"];
  customers: CustomerTerms[];
  otherCurrency: number;
};

/**
 * Who the plan would bill, each with today's terms and the plan's: without `compareTo`, the live
 * subscribers of the plan's other versions; with it, the live subscribers of any version of that plan.
 * Subscribers already on `planId` itself pay its price today and are left out.
 */
export async function planProposal(tx: Executor, planId: string, compareTo?: string): Promise<Proposal> {
  const [plan] = await tx.select().from(plans).where(eq(plans.id, planId));
  if (!plan) throw notFound("Plan");
  let base = plan;
  if (compareTo !== undefined) {
    const [other] = await tx.select().from(plans).where(eq(plans.id, compareTo));
    if (!other) throw invalidField("compare_to", `no plan has the id ${compareTo}`);
    base = other;
  }
  const versions = await tx.select().from(plans).where(eq(plans.code, base.code));
  if (compareTo === undefined && versions.length < 2)
    throw invalidField(
      "compare_to",
      "this plan replaces no earlier version: name the plan whose subscribers to rate it against",
    );
  const byId = new Map(versions.map((v) => [v.id, v]));
  const subs = await tx
    .select({
      orgId: subscriptions.orgId,
      planId: subscriptions.planId,
      since: subscriptions.createdAt,
      name: organizations.name,
      externalId: organizations.externalId,
    })
    .from(subscriptions)
    .innerJoin(organizations, eq(organizations.id, subscriptions.orgId))
    .where(
      and(
        inArray(
          subscriptions.planId,
          versions.map((v) => v.id),
        ),
        ne(subscriptions.planId, plan.id),
        inArray(subscriptions.status, [...LIVE_STATUSES]),
      ),
    )
    .orderBy(asc(subscriptions.orgId));
  // One Terms object per plan version, shared by its subscribers (the rating caches per charge object).
  const proposed = termsOfPlan(plan);
  const current = new Map(versions.map((v) => [v.id, termsOfPlan(v)]));
  const customers: CustomerTerms[] = [];
  let otherCurrency = 0;
  for (const s of subs) {
    if (byId.get(s.planId)!.currency !== plan.currency) {
      otherCurrency++;
      continue;
    }
    customers.push({
      orgId: s.orgId,
      name: s.name,
      externalId: s.externalId,
      since: s.since,
      current: current.get(s.planId)!,
      proposed,
    });
  }
  return {
    plan,
    comparedWith: { kind: compareTo === undefined ? "earlier_versions" : "plan", code: base.code, name: base.name },
    customers,
    otherCurrency,
  };
}

export async function simulatePlan(planId: string, req: SimulationRequest, now = new Date()): Promise<SimulationJson> {
  const started = performance.now();
  const window = monthWindow(req.months, now);
  // Read-only: the subscribers, then every one's usage in one read (rateCustomers).
  const { proposal, rated } = await db.transaction(async (tx) => {
    const proposal = await planProposal(tx, planId, req.compare_to);
    return { proposal, rated: await rateCustomers(tx, proposal.customers, window) };
  });
  const { plan } = proposal;
  return {
    plan: { id: plan.id, code: plan.code, name: plan.name, version: plan.version, status: planStatus(plan) },
    compared_with: proposal.comparedWith,
    currency: plan.currency,
    window: { months: req.months, start: window.months[0]!.toISOString(), end: window.end.toISOString() },
    excludes: [
      "coupons and discounts",
      "tax",
      "trials",
      "usage drawn from credits, credit overage and agent calls",
      "months a customer was not subscribed for in full",
    ],
    ...summarize(rated, window.months, req, proposal.otherCurrency),
    elapsed_ms: Math.round(performance.now() - started),
  };
}
