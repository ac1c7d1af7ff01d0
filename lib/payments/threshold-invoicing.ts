// Threshold invoicing (issue 18, item 6): a plan with a billing threshold invoices its subscribers
// mid-period whenever the period's rated usage not yet invoiced reaches the threshold. What counts
// is the usage and call-cost lines periodLines rates for the period's invoice (credit overage and
// agents' fixed fees stay on the period-end invoice, where overage is settled in the ledger).
//
// A line's amount so far minus what threshold invoices already billed of the same line id is its
// unbilled part; with tiers that is exactly the difference of the rated totals. Each threshold
// invoice is recorded (threshold_billings) with its amount per line id in the transaction that
// issues it, under the subscription row's lock, so two runners never bill the same usage; the
// period-end lines pass through lessThresholdBilled, so nothing is billed twice.
//
// Local subscriptions: a Tally invoice, charged at once to the sandbox card (local) or left open
// (manual, invoice billing). Stripe subscriptions: invoice items on a one-off Stripe invoice,
// finalized so Stripe charges it at once (an outbox job, keyed per threshold invoice and line).
import "server-only";
import { and, eq, inArray, sql } from "drizzle-orm";
import { db, type Executor } from "@/lib/db/client";
import { organizations, planBillingThresholds, plans, subscriptions, thresholdBillings } from "@/lib/db/schema";
import { notFound } from "@/lib/http/errors";
import { newId } from "@/lib/ids";
import { issueInvoice } from "@/lib/invoices/issue-invoice";
import type { Job } from "@/lib/jobs/runner";
import { enqueue, PermanentJobError, registerOutboxHandler } from "@/lib/jobs/outbox";
import { log } from "@/lib/log";
import { dec, minorToDecimal } from "@/lib/money";
import { createInvoiceItem, createUsageInvoice, finalizeUsageInvoice } from "@/lib/stripe/invoice-items";
import { chargeInvoice } from "./local-billing";
import { loadPeriodInput } from "./period-input";
import { periodLines, type PeriodLine } from "./period-lines";
import type { BillingThresholdJson } from "./schemas";

const THRESHOLD_KINDS: ReadonlySet<PeriodLine["kind"]> = new Set(["usage", "call_usage"]);
export const STRIPE_THRESHOLD_JOB = "stripe.threshold_invoice";

/** Minor units threshold invoices billed per line id, for one subscription period. */
export async function thresholdBilledByLine(
  tx: Executor,
  subscriptionId: string,
  period: { start: Date },
): Promise<Map<string, number>> {
  const rows = await tx
    .select({ lines: thresholdBillings.lines })
    .from(thresholdBillings)
    .where(and(eq(thresholdBillings.subscriptionId, subscriptionId), eq(thresholdBillings.periodStart, period.start)));
  const out = new Map<string, number>();
  for (const r of rows) for (const [id, cents] of Object.entries(r.lines)) out.set(id, (out.get(id) ?? 0) + cents);
  return out;
}

/** thresholdBilledByLine for many subscription periods (a batch of the rollover), in the order asked: one statement. */
export async function thresholdBilledByLineMany(
  tx: Executor,
  requests: { subscriptionId: string; period: { start: Date } }[],
): Promise<Map<string, number>[]> {
  const out = requests.map(() => new Map<string, number>());
  if (requests.length === 0) return out;
  const found = await tx
    .select({ i: sql<number>`t.i`.mapWith(Number), lines: thresholdBillings.lines })
    .from(thresholdBillings)
    .innerJoin(
      sql`json_to_recordset(${JSON.stringify(requests.map((r, i) => ({ i, s: r.subscriptionId, p: r.period.start.toISOString() })))}::text::json) as t(i int, s text, p timestamptz)`,
      sql`${thresholdBillings.subscriptionId} = t.s and ${thresholdBillings.periodStart} = t.p`,
    );
  for (const r of found) {
    const m = out[r.i]!;
    for (const [id, cents] of Object.entries(r.lines)) m.set(id, (m.get(id) ?? 0) + cents);
  }
  return out;
}

/** The period's lines less what threshold invoices already billed of each (lines billed in full drop out). */
export function lessThresholdBilled(lines: PeriodLine[], billed: Map<string, number>): PeriodLine[] {
  if (billed.size === 0) return lines;
  return lines.flatMap((l) => {
    const done = billed.get(l.id) ?? 0;
    if (done === 0) return [l];
    const rest = l.amountCents - done;
    if (rest <= 0) return [];
    return [
      {
        ...l,
        description: `${l.description} (less ${minorToDecimal(done, l.currency)} invoiced during the period)`,
        amountCents: rest,
        exactAmount: dec(l.exactAmount).minus(dec(done).div(100)).toString(),
      },
    ];
  });
}

/** What is unbilled per line id now: the threshold-eligible lines less what was invoiced of them. */
export function unbilledParts(lines: PeriodLine[], billed: Map<string, number>): { line: PeriodLine; cents: number }[] {
  return lines
    .filter((l) => THRESHOLD_KINDS.has(l.kind))
    .map((line) => ({ line, cents: line.amountCents - (billed.get(line.id) ?? 0) }))
    .filter((p) => p.cents > 0);
}

export type ThresholdRun = { subscriptionId: string; billedCents: number; seq: number } | null;

/** Invoices one subscription's unbilled usage when it has reached the plan's threshold. */
export async function invoiceIfOverThreshold(subscriptionId: string, now = new Date()): Promise<ThresholdRun> {
  return db.transaction(async (tx) => {
    // The subscription row's lock orders runners: the second sees the first's billing.
    const [sub] = await tx.select().from(subscriptions).where(eq(subscriptions.id, subscriptionId)).for("update");
    if (!sub || (sub.status !== "active" && sub.status !== "past_due")) return null;
    const [threshold] = await tx
      .select()
      .from(planBillingThresholds)
      .where(eq(planBillingThresholds.planId, sub.planId));
    if (!threshold) return null;
    const period = { start: sub.currentPeriodStart, end: sub.currentPeriodEnd };
    const lines = periodLines(await loadPeriodInput(tx, sub, period));
    const billed = await thresholdBilledByLine(tx, sub.id, period);
    const parts = unbilledParts(lines, billed);
    const total = parts.reduce((s, p) => s + p.cents, 0);
    if (total < threshold.amountCents) return null;
    const [done] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(thresholdBillings)
      .where(and(eq(thresholdBillings.subscriptionId, sub.id), eq(thresholdBillings.periodStart, period.start)));
    const seq = Number(done?.n ?? 0) + 1;
    const currency = parts[0]!.line.currency;
    const id = newId("thb");
    let invoiceId: string | null = null;
    if (sub.provider !== "stripe") {
      const { invoice } = await issueInvoice(tx, {
        orgId: sub.orgId,
        currency,
        subscriptionId: sub.id,
        periodStart: period.start,
        periodEnd: period.end,
        lines: parts.map((p) => ({
          kind: "usage" as const,
          description: `${p.line.description} — usage so far`,
          quantity: "1",
          unitAmount: minorToDecimal(p.cents, currency),
          amountCents: p.cents,
          meter: p.line.meter,
          periodStart: period.start,
          periodEnd: now,
          details: { line_id: p.line.id, threshold_billing: id },
        })),
        sourceKey: `threshold:${sub.id}:${period.start.toISOString()}:${seq}`,
        issuedAt: now,
        paid: false,
        description: `Usage invoice: ${minorToDecimal(total, currency)} reached the plan's threshold`,
        livemode: sub.livemode,
      });
      invoiceId = invoice.id;
      if (sub.provider === "local") await chargeInvoice(tx, invoice, now);
    }
    await tx.insert(thresholdBillings).values({
      id,
      orgId: sub.orgId,
      subscriptionId: sub.id,
      periodStart: period.start,
      seq,
      amountCents: total,
      currency,
      lines: Object.fromEntries(parts.map((p) => [p.line.id, p.cents])),
      invoiceId,
      provider: sub.provider,
      createdAt: now,
    });
    if (sub.provider === "stripe")
      await enqueue(tx, { kind: STRIPE_THRESHOLD_JOB, orgId: sub.orgId, payload: { threshold_billing: id } });
    return { subscriptionId: sub.id, billedCents: total, seq };
  });
}

/** Every live subscription of a plan with a threshold. */
export async function runThresholdInvoicing(now = new Date()): Promise<number> {
  const subs = await db
    .select({ id: subscriptions.id })
    .from(subscriptions)
    .innerJoin(planBillingThresholds, eq(planBillingThresholds.planId, subscriptions.planId))
    .where(inArray(subscriptions.status, ["active", "past_due"]));
  let invoiced = 0;
  for (const s of subs) {
    try {
      if (await invoiceIfOverThreshold(s.id, now)) invoiced++;
    } catch (err) {
      log.warn({ err, subscription_id: s.id }, "threshold invoicing failed; the next run retries");
    }
  }
  return invoiced;
}

export const thresholdInvoicingJob: Job = {
  name: "billing.threshold_invoicing",
  everyMs: 60_000,
  run: (now) => runThresholdInvoicing(now),
};

/** Stripe: the threshold invoice's lines as invoice items on a one-off invoice, finalized (Stripe charges it). */
async function sendToStripe(billingId: string): Promise<Record<string, unknown>> {
  const [b] = await db.select().from(thresholdBillings).where(eq(thresholdBillings.id, billingId));
  if (!b) throw new PermanentJobError(`threshold billing ${billingId} not found`);
  const [org] = await db.select().from(organizations).where(eq(organizations.id, b.orgId));
  if (!org?.stripeCustomerId) throw new Error("the customer has no Stripe customer yet");
  const invoiceId =
    b.invoiceId ??
    (
      await createUsageInvoice({
        customerId: org.stripeCustomerId,
        currency: b.currency,
        description: `Usage so far this period (threshold invoice ${b.seq})`,
        metadata: { tally_subscription_id: b.subscriptionId, tally_threshold_billing: b.id },
        idempotencyKey: `tally-threshold:${b.id}`,
      })
    ).id;
  if (!b.invoiceId) await db.update(thresholdBillings).set({ invoiceId }).where(eq(thresholdBillings.id, b.id));
  for (const [lineId, cents] of Object.entries(b.lines)) {
    await createInvoiceItem({
      customerId: org.stripeCustomerId,
      invoiceId,
      amountCents: cents,
      currency: b.currency,
      description: "Usage so far this period",
      period: { start: b.periodStart, end: b.createdAt },
      metadata: { tally_line_id: lineId, tally_threshold_billing: b.id },
      idempotencyKey: `tally-threshold:${b.id}:${lineId}`,
    });
  }
  const fin = await finalizeUsageInvoice(invoiceId);
  return { invoice: invoiceId, status: fin.status };
}

registerOutboxHandler(STRIPE_THRESHOLD_JOB, async (job) => sendToStripe(String(job.payload.threshold_billing)));

/** Sets (or, with null, removes) a plan's billing threshold. */
export async function setPlanBillingThreshold(
  planId: string,
  amountCents: number | null,
  actor: string,
  tx: Executor = db,
): Promise<BillingThresholdJson> {
  const [plan] = await tx.select({ id: plans.id, currency: plans.currency }).from(plans).where(eq(plans.id, planId));
  if (!plan) throw notFound("Plan");
  if (amountCents === null) await tx.delete(planBillingThresholds).where(eq(planBillingThresholds.planId, planId));
  else {
    const values = { amountCents, updatedBy: actor, updatedAt: new Date() };
    await tx
      .insert(planBillingThresholds)
      .values({ planId, ...values })
      .onConflictDoUpdate({ target: planBillingThresholds.planId, set: values });
  }
  return { object: "billing_threshold", plan_id: planId, amount_cents: amountCents, currency: plan.currency };
}
