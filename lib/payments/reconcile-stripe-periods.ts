// The reconciliation job: every ended Stripe period whose usage Tally rated is compared with what
// Stripe invoiced and collected for it (reconcile.ts), again every few hours until it is paid and
// matches, and the differences are stored for admin monitoring and counted in /api/metrics.
import "server-only";
import { and, asc, desc, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { z } from "zod";
import { db } from "@/lib/db/client";
import { int, selectRows, text } from "@/lib/db/rows";
import { organizations, periodBillings } from "@/lib/db/schema";
import { metrics } from "@/lib/metrics";
import { stripeConfigured } from "@/lib/stripe/client";
import { invoiceForReconciliation } from "@/lib/stripe/invoice-items";
import { reconcilePeriod } from "./reconcile";
import { sweepStripePeriods } from "./stripe-period-sweep";

const RECHECK_MS = 6 * 3_600_000;
const ZLine = z.object({ id: z.string(), amountCents: z.number().int(), description: z.string() });

/** Compares up to `batch` due periods with Stripe; returns how many were compared. */
export async function reconcileStripePeriods(now = new Date(), batch = 100): Promise<number> {
  if (!stripeConfigured()) return 0;
  const due = await db
    .select()
    .from(periodBillings)
    .where(
      and(
        // A row exists once its period ended and its usage was rated.
        inArray(periodBillings.status, ["pending", "billed"]),
        // Settled periods (paid, matching) are not read again; the others every few hours.
        or(
          isNull(periodBillings.reconciledAt),
          and(
            lt(periodBillings.reconciledAt, new Date(now.getTime() - RECHECK_MS)),
            or(
              sql`${periodBillings.stripeStatus} is distinct from 'paid'`,
              sql`jsonb_array_length(${periodBillings.differences}) > 0`,
            ),
          ),
        ),
      ),
    )
    .orderBy(asc(periodBillings.reconciledAt))
    .limit(batch);
  for (const row of due) {
    const invoice = row.stripeInvoiceId ? await invoiceForReconciliation(row.stripeInvoiceId) : null;
    const r = reconcilePeriod({
      status: row.status,
      createdAt: row.createdAt,
      lines: z.array(ZLine).parse(row.lines),
      invoice,
      now,
    });
    await db
      .update(periodBillings)
      .set({
        reconciledAt: now,
        stripeInvoicedCents: r.invoicedCents,
        stripeCollectedCents: r.collectedCents,
        stripeStatus: r.stripeStatus,
        differences: r.differences,
        updatedAt: now,
      })
      .where(eq(periodBillings.id, row.id));
  }
  await updateDifferenceMetric();
  return due.length;
}

export async function updateDifferenceMetric(): Promise<void> {
  const counts = await selectRows(
    { kind: text, n: int },
    sql`select d->>'kind' as kind, count(*)::int as n from ${periodBillings}, jsonb_array_elements(${periodBillings.differences}) d group by 1`,
  );
  metrics.reconciliationDifferences.reset();
  for (const c of counts) metrics.reconciliationDifferences.set({ kind: c.kind }, c.n);
}

/** The latest ended Stripe periods for admin monitoring, those with differences first. */
export async function reconciledPeriods(limit = 50) {
  return db
    .select({
      id: periodBillings.id,
      orgId: periodBillings.orgId,
      orgName: organizations.name,
      subscriptionId: periodBillings.subscriptionId,
      periodStart: periodBillings.periodStart,
      periodEnd: periodBillings.periodEnd,
      currency: periodBillings.currency,
      status: periodBillings.status,
      totalCents: periodBillings.totalCents,
      stripeInvoiceId: periodBillings.stripeInvoiceId,
      stripeStatus: periodBillings.stripeStatus,
      invoicedCents: periodBillings.stripeInvoicedCents,
      collectedCents: periodBillings.stripeCollectedCents,
      reconciledAt: periodBillings.reconciledAt,
      differences: periodBillings.differences,
    })
    .from(periodBillings)
    .innerJoin(organizations, eq(organizations.id, periodBillings.orgId))
    .orderBy(desc(sql`jsonb_array_length(${periodBillings.differences}) > 0`), desc(periodBillings.periodEnd))
    .limit(limit);
}

export const reconciliationJob = {
  name: "stripe-reconciliation",
  everyMs: 15 * 60_000,
  // First the sweep for renewals Stripe made unheard (all their webhooks lost), then the comparison.
  run: async (now: Date) => {
    await sweepStripePeriods(now);
    return reconcileStripePeriods(now);
  },
};
