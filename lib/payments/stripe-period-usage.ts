// The usage of a Stripe subscription's ended period onto Stripe: Tally rates it (periodLines), and
// an outbox job adds each line as an invoice item — to the renewal draft when Stripe announced one
// (invoice.created, still a draft), else to a separate invoice Tally creates for the customer and
// finalizes (auto_advance: Stripe charges it). The lines are frozen in period_billings when first
// computed, and each Stripe write is keyed by the line (and the invoice it goes on), so a redelivered
// webhook, a retried job or the sweep adds nothing twice. A lease on the period's row keeps two jobs
// from adding to two invoices at once.
//
// Three ways in, one job kind: invoice.created (draft), a new period seen on the subscription
// (a delayed check, in case invoice.created never comes), and the end of the subscription.
import "server-only";
import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import { z } from "zod";
import { db, type Executor } from "@/lib/db/client";
import { organizations, periodBillings, subscriptions, type PeriodBilling, type Subscription } from "@/lib/db/schema";
import { newId } from "@/lib/ids";
import { enqueue, PermanentJobError, registerOutboxHandler } from "@/lib/jobs/outbox";
import {
  createInvoiceItem,
  createUsageInvoice,
  finalizeUsageInvoice,
  invoiceStatus,
  isRefusal,
} from "@/lib/stripe/invoice-items";
import { stripeTaxFor } from "@/lib/tax/stripe-tax";
import { markLateUsageBilled } from "./late-usage";
import { periodKey, totalCents, type PeriodLine } from "./period-lines";
import { settleInvoicedOverage } from "./overage-settlement";
import { periodLinesFor } from "./usage-lines";

export const STRIPE_PERIOD_USAGE_JOB = "stripe.bill_period_usage";
/** Stripe leaves a renewal draft open about an hour; after this, the usage goes on its own invoice. */
export const DRAFT_GRACE_MS = 2 * 3_600_000;
const LEASE_MS = 5 * 60_000;

type Reason = "invoice_created" | "invoice_not_draft" | "period_ended" | "subscription_ended" | "sweep";

/** Queues the period's usage for Stripe; with a draft invoice id it goes on that draft while it is one. */
export async function enqueueStripePeriodUsage(
  tx: Executor,
  sub: Subscription,
  period: { start: Date; end: Date },
  opts: { reason: Reason; draftInvoiceId?: string; runAt?: Date },
): Promise<boolean> {
  // A trial's usage is free; a zero-length period has none.
  if (period.end <= period.start || (sub.trialEnd && sub.trialEnd.getTime() >= period.end.getTime() - 1000))
    return false;
  await enqueue(tx, {
    kind: STRIPE_PERIOD_USAGE_JOB,
    orgId: sub.orgId,
    payload: {
      subscriptionId: sub.id,
      periodStart: period.start.toISOString(),
      periodEnd: period.end.toISOString(),
      draftInvoiceId: opts.draftInvoiceId ?? null,
      reason: opts.reason,
      final: opts.reason === "subscription_ended",
    },
    dedupeKey: `${STRIPE_PERIOD_USAGE_JOB}:${sub.id}:${periodKey(period)}:${opts.draftInvoiceId ?? "separate"}`,
    runAt: opts.runAt,
  });
  return true;
}

const ZStoredLine = z.object({
  id: z.string(),
  kind: z.string(),
  description: z.string(),
  amountCents: z.number().int(),
  currency: z.string(),
  periodStart: z.string(),
  periodEnd: z.string(),
});
type StoredLine = z.infer<typeof ZStoredLine>;

const store = (l: PeriodLine) => ({
  ...l,
  periodStart: l.periodStart.toISOString(),
  periodEnd: l.periodEnd.toISOString(),
});

/** The period's row, computing and freezing its lines the first time. */
async function periodRow(
  sub: Subscription,
  period: { start: Date; end: Date },
  final: boolean,
): Promise<PeriodBilling> {
  return db.transaction(async (tx) => {
    const [existing] = await tx
      .select()
      .from(periodBillings)
      .where(and(eq(periodBillings.subscriptionId, sub.id), eq(periodBillings.periodStart, period.start)));
    if (existing) return existing;
    const lines = await periodLinesFor(tx, sub, period, { final });
    const total = totalCents(lines);
    // The overage these lines bill is settled in the ledger with them (once, by the period's key).
    await settleInvoicedOverage(tx, sub, period, lines, new Date());
    const currency = lines[0]?.currency ?? "usd";
    const inserted = await tx
      .insert(periodBillings)
      .values({
        id: newId("pbl"),
        orgId: sub.orgId,
        subscriptionId: sub.id,
        periodStart: period.start,
        periodEnd: period.end,
        currency,
        status: lines.some((l) => l.amountCents !== 0) ? "pending" : "empty",
        lines: lines.map(store),
        totalCents: total,
      })
      .onConflictDoNothing()
      .returning({ id: periodBillings.id });
    // Usage ingested from now on for this period (or earlier ones) is late usage (late-usage.ts).
    if (inserted.length) await markLateUsageBilled(tx, [sub.id]);
    const [row] = await tx
      .select()
      .from(periodBillings)
      .where(and(eq(periodBillings.subscriptionId, sub.id), eq(periodBillings.periodStart, period.start)));
    return row!;
  });
}

async function lease(id: string): Promise<PeriodBilling | null> {
  const now = new Date();
  const [row] = await db
    .update(periodBillings)
    .set({ lockedUntil: new Date(now.getTime() + LEASE_MS), updatedAt: now })
    .where(and(eq(periodBillings.id, id), or(isNull(periodBillings.lockedUntil), lt(periodBillings.lockedUntil, now))))
    .returning();
  return row ?? null;
}

type Target = { id: string; kind: "draft" | "separate" };

async function separateInvoice(row: PeriodBilling, customerId: string): Promise<Target> {
  if (row.target === "separate" && row.stripeInvoiceId) return { id: row.stripeInvoiceId, kind: "separate" };
  const key = `${row.subscriptionId}:${periodKey({ start: row.periodStart })}`;
  const inv = await createUsageInvoice({
    customerId,
    currency: row.currency,
    description: `Usage ${row.periodStart.toISOString().slice(0, 10)} – ${row.periodEnd.toISOString().slice(0, 10)}`,
    metadata: {
      tally_subscription_id: row.subscriptionId,
      tally_period_start: row.periodStart.toISOString(),
      tally_period_end: row.periodEnd.toISOString(),
    },
    idempotencyKey: `tally-usage-invoice:${key}`,
    tax: await stripeTaxFor(row.orgId),
  });
  await db
    .update(periodBillings)
    .set({ target: "separate", stripeInvoiceId: inv.id, updatedAt: new Date() })
    .where(eq(periodBillings.id, row.id));
  row.target = "separate";
  row.stripeInvoiceId = inv.id;
  return { id: inv.id, kind: "separate" };
}

async function addLine(row: PeriodBilling, customerId: string, line: StoredLine, target: Target) {
  const item = await createInvoiceItem({
    customerId,
    invoiceId: target.id,
    amountCents: line.amountCents,
    currency: line.currency,
    description: line.description,
    period: { start: new Date(line.periodStart), end: new Date(line.periodEnd) },
    metadata: {
      tally_line_id: line.id,
      tally_line_kind: line.kind,
      tally_subscription_id: row.subscriptionId,
      tally_period_start: row.periodStart.toISOString(),
    },
    idempotencyKey: `tally-line:${line.id}:${target.id}`,
  });
  const entry = { invoice: item.invoiceId ?? target.id, item: item.id };
  await db
    .update(periodBillings)
    .set({
      added: sql`${periodBillings.added} || jsonb_build_object(${line.id}::text, ${JSON.stringify(entry)}::jsonb)`,
      updatedAt: new Date(),
    })
    .where(eq(periodBillings.id, row.id));
  row.added = { ...row.added, [line.id]: entry };
}

type Payload = {
  subscriptionId: string;
  periodStart: string;
  periodEnd: string;
  draftInvoiceId: string | null;
  final?: boolean;
};

export async function billStripePeriodUsage(payload: Payload): Promise<Record<string, unknown>> {
  const [sub] = await db.select().from(subscriptions).where(eq(subscriptions.id, payload.subscriptionId));
  if (!sub || sub.provider !== "stripe") return { skipped: "not a Stripe subscription" };
  const first = await periodRow(
    sub,
    { start: new Date(payload.periodStart), end: new Date(payload.periodEnd) },
    payload.final ?? false,
  );
  if (first.status !== "pending") return { skipped: first.status, invoice: first.stripeInvoiceId };
  const row = await lease(first.id);
  // Another job holds the period: this one is retried (the outbox backs off), and then finds it billed.
  if (!row) throw new Error(`Period ${first.id} is being billed by another job`);
  try {
    if (row.status !== "pending") return { skipped: row.status, invoice: row.stripeInvoiceId };
    const [org] = await db
      .select({ customerId: organizations.stripeCustomerId })
      .from(organizations)
      .where(eq(organizations.id, sub.orgId));
    if (!org?.customerId) throw new PermanentJobError(`Organization ${sub.orgId} has no Stripe customer`);
    const lines = z
      .array(ZStoredLine)
      .parse(row.lines)
      .filter((l) => l.amountCents !== 0 && !row.added[l.id]);
    let target: Target | null = null;
    if (row.target === "separate" && row.stripeInvoiceId) target = { id: row.stripeInvoiceId, kind: "separate" };
    else if (payload.draftInvoiceId && (await invoiceStatus(payload.draftInvoiceId)) === "draft")
      target = { id: payload.draftInvoiceId, kind: "draft" };
    for (const line of lines) {
      target ??= await separateInvoice(row, org.customerId);
      try {
        await addLine(row, org.customerId, line, target);
      } catch (e) {
        // The draft was finalized meanwhile: what is left goes on a separate invoice.
        if (target.kind !== "draft" || !isRefusal(e)) throw e;
        target = await separateInvoice(row, org.customerId);
        await addLine(row, org.customerId, line, target);
      }
    }
    if (target?.kind === "separate" || row.target === "separate") await finalizeUsageInvoice(row.stripeInvoiceId!);
    const invoiceId = row.stripeInvoiceId ?? target?.id ?? null;
    await db
      .update(periodBillings)
      .set({
        status: "billed",
        target: row.target ?? target?.kind ?? null,
        stripeInvoiceId: invoiceId,
        updatedAt: new Date(),
      })
      .where(eq(periodBillings.id, row.id));
    return { billed: lines.length, invoice: invoiceId, target: row.target ?? target?.kind ?? null };
  } finally {
    await db.update(periodBillings).set({ lockedUntil: null }).where(eq(periodBillings.id, row.id));
  }
}

registerOutboxHandler(STRIPE_PERIOD_USAGE_JOB, (job) => billStripePeriodUsage(job.payload as Payload));
