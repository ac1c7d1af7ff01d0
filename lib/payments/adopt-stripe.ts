// Adopting an existing Stripe account: each Stripe customer is matched to a Tally customer (already
// linked; metadata tally_org_id / tally_customer_id = Tally's id, tally_external_id = its external
// id; the billing email; the owner's email; or the operator's choice, or a new customer), its live
// subscription becomes the Tally subscription in Stripe's state (plan by price id, same period,
// status, trial and cancellation) through the webhooks' path (applyStripeSubscription), and its
// finalized invoices are mirrored as webhooks mirror them (upsertStripeInvoice). Nothing is written
// to Stripe. Stripe is read first, outside any transaction; each customer is then adopted in one
// transaction, re-planned inside it, so a link made meanwhile is a conflict, not overwritten.
// Adopting again finds everything in place and changes nothing.
import "server-only";
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { db, type Executor } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import {
  invoices,
  LIVE_STATUSES,
  organizations,
  plans,
  subscriptions,
  users,
  type Organization,
  type Plan,
} from "@/lib/db/schema";
import { AppError } from "@/lib/http/errors";
import { upsertStripeInvoice } from "@/lib/invoices/mirror";
import { createOrganization, linkStripeCustomer } from "@/lib/orgs/organizations";
import type { StripeInvoiceState } from "@/lib/stripe/billing";
import { stripeConfigured } from "@/lib/stripe/client";
import {
  listStripeCustomers,
  listStripeInvoices,
  listStripeSubscriptions,
  retrieveStripeCustomer,
  type StripeAdoptableSubscription,
  type StripeCustomerInfo,
} from "@/lib/stripe/adoption";
import type { AdoptCustomerJson, AdoptReportJson, AdoptRequest, AdoptStatus, MatchedBy } from "./adopt-stripe-schemas";
import { applyStripeSubscription, planFor } from "./subscription-sync";

/** Metadata keys naming Tally's customer on a Stripe customer, in the order they are tried. */
const ID_KEYS = ["tally_org_id", "tally_customer_id"] as const;
const EXTERNAL_ID_KEY = "tally_external_id";
/** Stripe statuses whose subscription is the customer's current one (Tally: trialing, active, past_due). */
const ADOPTABLE = new Set(["trialing", "active", "past_due", "unpaid", "paused"]);
export const SYNC_PLANS_FIRST = "pull plans from Stripe first (Plans → Sync from Stripe), then adopt";

type Choice = { customerId?: string; create?: true };
/** Up to this many named customers are read one by one (3 calls each); more, by listing the account. */
const NAMED_READS_LIMIT = 10;

/** Everything read from Stripe before any transaction. */
type Snapshot = {
  at: Date;
  customers: { info: StripeCustomerInfo; choice: Choice }[];
  subscriptionsOf: Map<string, StripeAdoptableSubscription[]>;
  invoicesOf: Map<string, StripeInvoiceState[]>;
};

const group = <T extends { customerId: string }>(list: T[]) => {
  const m = new Map<string, T[]>();
  for (const x of list) m.set(x.customerId, [...(m.get(x.customerId) ?? []), x]);
  return m;
};

async function readStripe(request: AdoptRequest): Promise<Snapshot> {
  if (!stripeConfigured())
    throw new AppError(
      "conflict",
      "Stripe is not configured on this installation: set STRIPE_SECRET_KEY (and PAYMENTS=stripe) to adopt a Stripe account.",
    );
  const at = new Date();
  if (!request.customers) {
    const [customers, subs, invs] = await Promise.all([
      listStripeCustomers(),
      listStripeSubscriptions(),
      listStripeInvoices(),
    ]);
    return {
      at,
      customers: customers.map((info) => ({ info, choice: {} })),
      subscriptionsOf: group(subs),
      invoicesOf: group(invs),
    };
  }
  const choiceOf = (c: NonNullable<AdoptRequest["customers"]>[number]): Choice => ({
    ...(c.customer_id && { customerId: c.customer_id }),
    ...(c.create && { create: true as const }),
  });
  const missing = (i: number) =>
    new AppError("validation_error", `customers.${i}.stripe_customer_id: Stripe has no such customer`, [
      { field: `customers.${i}.stripe_customer_id`, message: "Stripe has no such customer" },
    ]);
  // Many named: three listings of the account cost fewer calls than three reads per customer.
  if (request.customers.length > NAMED_READS_LIMIT) {
    const [all, subs, invs] = await Promise.all([
      listStripeCustomers(),
      listStripeSubscriptions(),
      listStripeInvoices(),
    ]);
    const byId = new Map(all.map((c) => [c.id, c]));
    return {
      at,
      customers: request.customers.map((c, i) => {
        const info = byId.get(c.stripe_customer_id);
        if (!info) throw missing(i);
        return { info, choice: choiceOf(c) };
      }),
      subscriptionsOf: group(subs),
      invoicesOf: group(invs),
    };
  }
  const customers: Snapshot["customers"] = [];
  const subscriptionsOf = new Map<string, StripeAdoptableSubscription[]>();
  const invoicesOf = new Map<string, StripeInvoiceState[]>();
  for (const [i, c] of request.customers.entries()) {
    const info = await retrieveStripeCustomer(c.stripe_customer_id);
    if (!info) throw missing(i);
    customers.push({ info, choice: choiceOf(c) });
    subscriptionsOf.set(info.id, await listStripeSubscriptions(info.id));
    invoicesOf.set(info.id, await listStripeInvoices(info.id));
  }
  return { at, customers, subscriptionsOf, invoicesOf };
}

type SubscriptionPlan = {
  state: StripeAdoptableSubscription;
  plan: Plan | null;
  outcome: "adopt" | "adopt_history" | "already_adopted" | "unknown_price" | "unsupported" | "not_adopted";
  reason: string | null;
};

/** What adopting one Stripe customer does, as read from the database (through `tx` inside the transaction). */
type CustomerPlan = {
  info: StripeCustomerInfo;
  target: Organization | null;
  create: boolean;
  matchedBy: MatchedBy | null;
  alreadyLinked: boolean;
  note: string | null;
  conflicts: string[];
  subscriptions: SubscriptionPlan[];
  /** Live subscriptions of another provider (manual, local) that give way to the adopted one. */
  replaces: { id: string; planName: string; provider: string }[];
  invoices: { count: number; toMirror: StripeInvoiceState[]; alreadyMirrored: number; drafts: number };
};

const lower = (s: string) => s.trim().toLowerCase();

async function orgById(tx: Executor, id: string, lock: boolean): Promise<Organization | null> {
  const q = tx.select().from(organizations).where(eq(organizations.id, id));
  const [o] = lock ? await q.for("update") : await q;
  return o ?? null;
}

/** The automatic match: linked already, metadata, billing email, owner's email; or why there is none. */
async function autoMatch(
  tx: Executor,
  c: StripeCustomerInfo,
): Promise<{ org: Organization | null; matchedBy: MatchedBy | null; note: string | null }> {
  const notes: string[] = [];
  for (const key of ID_KEYS) {
    const id = c.metadata[key];
    if (!id) continue;
    const org = await orgById(tx, id, false);
    if (org) return { org, matchedBy: `metadata.${key}`, note: null };
    notes.push(`metadata ${key} names ${id}, which is no Tally customer`);
  }
  const ext = c.metadata[EXTERNAL_ID_KEY];
  if (ext) {
    const [org] = await tx.select().from(organizations).where(eq(organizations.externalId, ext));
    if (org) return { org, matchedBy: "metadata.tally_external_id", note: null };
    notes.push(`metadata ${EXTERNAL_ID_KEY} ${ext} is no Tally customer's external id`);
  }
  if (c.email) {
    const email = lower(c.email);
    const byBilling = await tx
      .select()
      .from(organizations)
      .where(sql`lower(${organizations.email}) = ${email}`)
      .limit(2);
    if (byBilling.length === 1) return { org: byBilling[0]!, matchedBy: "email", note: null };
    if (byBilling.length > 1)
      return {
        org: null,
        matchedBy: null,
        note: `several Tally customers have the billing email ${c.email}: choose one`,
      };
    const byOwner = await tx
      .selectDistinct({ orgId: users.orgId })
      .from(users)
      .where(and(eq(users.role, "owner"), sql`lower(${users.email}) = ${email}`))
      .limit(2);
    if (byOwner.length === 1 && byOwner[0]!.orgId) {
      const org = await orgById(tx, byOwner[0]!.orgId, false);
      if (org) return { org, matchedBy: "owner_email", note: null };
    }
    if (byOwner.length > 1)
      return { org: null, matchedBy: null, note: `${c.email} owns several Tally customers: choose one` };
    notes.push(`no Tally customer has the email ${c.email}`);
  } else notes.push("the Stripe customer has no email");
  return { org: null, matchedBy: null, note: `${notes.join("; ")}: choose a Tally customer or create a new one` };
}

async function planCustomer(
  tx: Executor,
  snap: Snapshot,
  entry: Snapshot["customers"][number],
  opts: { lock: boolean },
): Promise<CustomerPlan> {
  const c = entry.info;
  const conflicts: string[] = [];
  const [linked] = await tx.select().from(organizations).where(eq(organizations.stripeCustomerId, c.id));
  let target: Organization | null = null;
  let matchedBy: MatchedBy | null = null;
  let create = false;
  let note: string | null = null;
  if (entry.choice.customerId) {
    target = await orgById(tx, entry.choice.customerId, opts.lock);
    if (!target) throw new AppError("not_found", `No Tally customer ${entry.choice.customerId}.`);
    matchedBy = "operator";
    if (linked && linked.id !== target.id)
      conflicts.push(`Stripe customer ${c.id} is already linked to ${linked.name} (${linked.id})`);
  } else if (linked) {
    // Linked before (by Tally itself, or an earlier adoption, also one that created the customer).
    target = opts.lock ? await orgById(tx, linked.id, true) : linked;
    matchedBy = "already_linked";
  } else if (entry.choice.create) {
    create = true;
    matchedBy = "create";
  } else {
    const m = await autoMatch(tx, c);
    target = m.org && opts.lock ? await orgById(tx, m.org.id, true) : m.org;
    matchedBy = m.matchedBy;
    note = m.note;
  }
  if (target?.stripeCustomerId && target.stripeCustomerId !== c.id)
    conflicts.push(
      `${target.name} (${target.id}) is already linked to Stripe customer ${target.stripeCustomerId}; it is not overwritten`,
    );
  const alreadyLinked = Boolean(target && target.stripeCustomerId === c.id);

  // Subscriptions: the live one becomes Tally's current subscription; ended ones stay Stripe's history.
  const all = snap.subscriptionsOf.get(c.id) ?? [];
  const adopted = all.length
    ? await tx
        .select({ orgId: subscriptions.orgId, id: subscriptions.id, stripeId: subscriptions.stripeSubscriptionId })
        .from(subscriptions)
        .where(
          inArray(
            subscriptions.stripeSubscriptionId,
            all.map((s) => s.id),
          ),
        )
    : [];
  const subs: SubscriptionPlan[] = [];
  for (const s of all) {
    const done = adopted.find((a) => a.stripeId === s.id);
    const planItems = s.itemPriceIds.filter((p) => !s.addonItems.some((a) => a.priceId === p));
    const plan = await planFor(tx, s.priceId);
    if (done) {
      if (target && done.orgId !== target.id)
        conflicts.push(`Stripe subscription ${s.id} is already another Tally customer's (${done.orgId})`);
      subs.push({ state: s, plan, outcome: "already_adopted", reason: null });
    } else if (s.status === "canceled") {
      // Ended: brought as history when its price is a plan (its months count in MRR, its end as churn).
      const history = planItems.length === 1 && plan && s.startedAt && s.endedAt;
      subs.push({
        state: s,
        plan,
        outcome: history ? "adopt_history" : "not_adopted",
        reason: history
          ? "ended at Stripe: brought as history (its months in MRR, its end as churn)"
          : `canceled at Stripe on ${plan ? "several plan items" : `price ${s.priceId ?? "(none)"}, which is no Tally plan`}: not brought as history (its invoices are mirrored)`,
      });
    } else if (!ADOPTABLE.has(s.status)) {
      subs.push({
        state: s,
        plan,
        outcome: "not_adopted",
        reason:
          s.status === "incomplete"
            ? "incomplete at Stripe (first payment not made): it arrives by webhook once paid"
            : `${s.status} at Stripe: kept as history (its invoices are mirrored)`,
      });
    } else if (planItems.length > 1) {
      subs.push({
        state: s,
        plan,
        outcome: "unsupported",
        reason: `has ${planItems.length} plan items (${planItems.join(", ")}); a Tally subscription has one plan`,
      });
    } else if (!plan) {
      subs.push({
        state: s,
        plan: null,
        outcome: "unknown_price",
        reason: `price ${s.priceId ?? "(none)"} is no Tally plan: ${SYNC_PLANS_FIRST}`,
      });
    } else subs.push({ state: s, plan, outcome: "adopt", reason: null });
  }
  const toAdopt = subs.filter((s) => s.outcome === "adopt");
  const live = subs.filter((s) => s.outcome !== "not_adopted" && ADOPTABLE.has(s.state.status));
  if (live.length > 1)
    conflicts.push(
      `${live.length} current subscriptions at Stripe (${live.map((s) => s.state.id).join(", ")}); Tally keeps one current subscription per customer`,
    );
  const replaces: CustomerPlan["replaces"] = [];
  if (target && toAdopt.length) {
    const current = await tx
      .select({
        id: subscriptions.id,
        provider: subscriptions.provider,
        stripeId: subscriptions.stripeSubscriptionId,
        planName: plans.name,
      })
      .from(subscriptions)
      .innerJoin(plans, eq(plans.id, subscriptions.planId))
      .where(and(eq(subscriptions.orgId, target.id), inArray(subscriptions.status, [...LIVE_STATUSES])));
    for (const cur of current) {
      if (cur.provider === "stripe")
        conflicts.push(
          `${target.name} already has the Stripe subscription ${cur.stripeId ?? cur.id} (${cur.planName}); cancel one of them first`,
        );
      else replaces.push({ id: cur.id, planName: cur.planName, provider: cur.provider });
    }
  }

  // Invoices: finalized ones are mirrored; drafts come by webhook once Stripe finalizes them.
  const invs = snap.invoicesOf.get(c.id) ?? [];
  const finalized = invs.filter((i) => i.status !== "draft");
  const mirrored = finalized.length
    ? await tx
        .select({ stripeId: invoices.stripeInvoiceId, orgId: invoices.orgId })
        .from(invoices)
        .where(
          inArray(
            invoices.stripeInvoiceId,
            finalized.map((i) => i.id),
          ),
        )
    : [];
  const mirroredIds = new Set(mirrored.map((m) => m.stripeId));
  if (target && mirrored.some((m) => m.orgId !== target.id))
    conflicts.push(`some of the customer's Stripe invoices are mirrored on another Tally customer`);

  return {
    info: c,
    target,
    create,
    matchedBy,
    alreadyLinked,
    note,
    conflicts,
    subscriptions: subs,
    replaces,
    invoices: {
      count: invs.length,
      // Oldest first, as they happened.
      toMirror: finalized
        .filter((i) => !mirroredIds.has(i.id))
        .sort((a, b) => a.created.getTime() - b.created.getTime()),
      alreadyMirrored: mirroredIds.size,
      drafts: invs.length - finalized.length,
    },
  };
}

function statusOf(p: CustomerPlan): AdoptStatus {
  if (p.conflicts.length) return "conflict";
  // Blocked before unmatched: whatever target is chosen, its subscription cannot be adopted yet.
  if (p.subscriptions.some((s) => s.outcome === "unknown_price" || s.outcome === "unsupported")) return "blocked";
  if (!p.target && !p.create) return "unmatched";
  const work =
    !p.alreadyLinked ||
    p.subscriptions.some((s) => s.outcome === "adopt" || s.outcome === "adopt_history") ||
    p.invoices.toMirror.length;
  return work ? "ready" : "unchanged";
}

function actionsOf(p: CustomerPlan): string[] {
  const who = p.create ? `a new Tally customer "${newCustomerName(p.info)}"` : (p.target?.name ?? "");
  const out: string[] = [];
  if (p.create) out.push(`create ${who}`);
  if (!p.alreadyLinked) out.push(`link ${who} to Stripe customer ${p.info.id}`);
  for (const r of p.replaces) out.push(`end the ${r.provider} subscription to ${r.planName} (replaced by Stripe's)`);
  for (const s of historyFirst(p.subscriptions))
    if (s.outcome === "adopt") out.push(`adopt subscription ${s.state.id} on ${s.plan!.name} (${s.state.status})`);
    else if (s.outcome === "adopt_history")
      out.push(
        `bring ended subscription ${s.state.id} on ${s.plan!.name} as history (${day(s.state.startedAt)} – ${day(s.state.endedAt)})`,
      );
  if (p.invoices.toMirror.length)
    out.push(`mirror ${p.invoices.toMirror.length} invoice${p.invoices.toMirror.length === 1 ? "" : "s"}`);
  return out;
}

const day = (d: Date | null) => d?.toISOString().slice(0, 10) ?? "?";
/** Ended subscriptions first, oldest first, then the live one: each history starts after the last. */
const historyFirst = (subs: SubscriptionPlan[]) =>
  [...subs].sort(
    (a, b) =>
      Number(a.outcome !== "adopt_history") - Number(b.outcome !== "adopt_history") ||
      (a.state.startedAt?.getTime() ?? 0) - (b.state.startedAt?.getTime() ?? 0),
  );
const newCustomerName = (c: StripeCustomerInfo) => c.name?.trim() || c.email || c.id;
const iso = (d: Date | null) => d?.toISOString() ?? null;

function toJson(p: CustomerPlan, status: AdoptStatus, done: boolean): AdoptCustomerJson {
  const actions = status === "ready" || status === "adopted" ? actionsOf(p) : [];
  const blocked = p.subscriptions.find((s) => s.outcome === "unknown_price" || s.outcome === "unsupported");
  return {
    stripe_customer_id: p.info.id,
    email: p.info.email,
    name: p.info.name,
    status,
    customer_id: p.target?.id ?? null,
    customer_name: p.target?.name ?? (p.create ? newCustomerName(p.info) : null),
    matched_by: p.matchedBy,
    subscriptions: p.subscriptions.map((s) => ({
      stripe_subscription_id: s.state.id,
      status: s.state.status,
      price_ids: s.state.itemPriceIds,
      plan_id: s.plan?.id ?? null,
      plan_name: s.plan?.name ?? null,
      current_period_start: iso(s.state.currentPeriodStart),
      current_period_end: iso(s.state.currentPeriodEnd),
      trial_end: iso(s.state.trialEnd),
      cancel_at_period_end: s.state.cancelAtPeriodEnd,
      started_at: iso(s.state.startedAt),
      ended_at: iso(s.state.endedAt),
      outcome:
        done && s.outcome === "adopt"
          ? "adopted"
          : done && s.outcome === "adopt_history"
            ? "adopted_history"
            : s.outcome,
      reason: s.reason,
    })),
    invoices: {
      count: p.invoices.count,
      mirrored: status === "ready" || status === "adopted" ? p.invoices.toMirror.length : 0,
      already_mirrored: p.invoices.alreadyMirrored,
      drafts_skipped: p.invoices.drafts,
    },
    actions,
    conflicts: p.conflicts,
    note:
      status === "unmatched"
        ? p.note
        : status === "blocked"
          ? (blocked?.reason ?? SYNC_PLANS_FIRST)
          : status === "conflict"
            ? "Nothing is changed for this customer: resolve the conflict, or choose another target."
            : null,
  };
}

/** Two Stripe customers aiming at one Tally customer (by email, say): neither is adopted until the operator chooses. */
function contested(plans: CustomerPlan[]): void {
  const byTarget = new Map<string, CustomerPlan[]>();
  for (const p of plans)
    if (p.target && !p.alreadyLinked) byTarget.set(p.target.id, [...(byTarget.get(p.target.id) ?? []), p]);
  for (const [, list] of byTarget)
    if (list.length > 1)
      for (const p of list)
        p.conflicts.push(
          `Stripe customers ${list.map((x) => x.info.id).join(" and ")} all match ${p.target!.name}: choose a target for each`,
        );
}

/** Marks customers contested by others in the same request (computed on the preview's plans). */
function contestedIds(plans: CustomerPlan[]): Map<string, string> {
  contested(plans);
  return new Map(
    plans.flatMap((p) => p.conflicts.filter((c) => c.startsWith("Stripe customers ")).map((c) => [p.info.id, c])),
  );
}

function totals(dryRun: boolean, customers: AdoptCustomerJson[]): AdoptReportJson {
  const count = (s: AdoptStatus) => customers.filter((c) => c.status === s).length;
  return {
    dry_run: dryRun,
    customers,
    totals: {
      customers: customers.length,
      ready: count("ready"),
      adopted: count("adopted"),
      unchanged: count("unchanged"),
      unmatched: count("unmatched"),
      conflict: count("conflict"),
      blocked: count("blocked"),
      invoices_mirrored: dryRun ? 0 : customers.reduce((s, c) => s + c.invoices.mirrored, 0),
    },
  };
}

/**
 * The preview (dry_run) or the adoption. A dry run writes nothing. Adopting runs one transaction per
 * customer: all of that customer's steps or none; a conflict, an unmatched customer or a blocked
 * subscription writes nothing for that customer and is reported.
 */
export async function adoptStripeAccount(request: AdoptRequest, actor: string): Promise<AdoptReportJson> {
  for (const [i, c] of (request.customers ?? []).entries())
    if (c.customer_id && !(await orgById(db, c.customer_id, false)))
      throw new AppError("validation_error", `customers.${i}.customer_id: no such Tally customer`, [
        { field: `customers.${i}.customer_id`, message: "no such Tally customer" },
      ]);
  const snap = await readStripe(request);
  const previews: CustomerPlan[] = [];
  for (const entry of snap.customers) previews.push(await planCustomer(db, snap, entry, { lock: false }));
  const contestedBy = contestedIds(previews);
  if (request.dry_run)
    return totals(
      true,
      previews.map((p) => toJson(p, statusOf(p), false)),
    );

  const out: AdoptCustomerJson[] = [];
  for (const [n, entry] of snap.customers.entries()) {
    const result = await db
      .transaction(async (tx) => {
        const p = await planCustomer(tx, snap, entry, { lock: true });
        const clash = contestedBy.get(p.info.id);
        if (clash && !p.alreadyLinked) p.conflicts.push(clash);
        const status = statusOf(p);
        if (status !== "ready") return toJson(p, status, false);
        const c = p.info;
        let org = p.target;
        if (p.create)
          org = await createOrganization(
            {
              name: newCustomerName(c),
              email: c.email,
              metadata: { adopted_from: "stripe" },
              stripeCustomerId: c.id,
            },
            tx,
          );
        else if (!p.alreadyLinked && !(await linkStripeCustomer(org!.id, c.id, tx)))
          throw new AppError("conflict", `${org!.name} was linked to another Stripe customer meanwhile; try again.`);
        for (const s of historyFirst(p.subscriptions).filter(
          (x) => x.outcome === "adopt" || x.outcome === "adopt_history",
        )) {
          const r = await applyStripeSubscription(tx, s.state, {
            at: snap.at,
            actor,
            reason: "adopted from Stripe",
            startedAt: s.state.startedAt,
          });
          if (r.outcome !== "created")
            throw new AppError("conflict", `Subscription ${s.state.id} could not be adopted (${r.outcome}).`);
        }
        for (const inv of p.invoices.toMirror) await upsertStripeInvoice(tx, org!.id, inv, snap.at, { quiet: true });
        return toJson({ ...p, target: org }, "adopted", true);
      })
      .catch((e: unknown) => {
        // Another request linked one of them meanwhile: this customer rolled back, the others go on.
        const raced = isUniqueViolation(e) ? "it was linked by another request meanwhile; try again" : null;
        if (!raced && !(e instanceof AppError && e.code === "conflict")) throw e;
        const p = previews[n]!;
        return toJson({ ...p, conflicts: [...p.conflicts, raced ?? (e as AppError).message] }, "conflict", false);
      });
    out.push(result);
  }
  return totals(false, out);
}

/** The Tally customers an operator can choose for an unmatched Stripe customer: those with no Stripe customer yet, by name. */
export async function adoptionTargets(limit = 500): Promise<{ id: string; name: string; email: string | null }[]> {
  return db
    .select({ id: organizations.id, name: organizations.name, email: organizations.email })
    .from(organizations)
    .where(isNull(organizations.stripeCustomerId))
    .orderBy(organizations.name, organizations.id)
    .limit(limit);
}
