// Invoices mirrored from Stripe: upserted by Stripe's id; an older state never overwrites a newer.
import "server-only";
import { eq, inArray } from "drizzle-orm";
import type { Executor } from "@/lib/db/client";
import { invoiceLines, invoices, subscriptions, taxRates, type Invoice, type InvoiceStatus } from "@/lib/db/schema";
import { newId } from "@/lib/ids";
import { emitWebhookEvents } from "@/lib/outbound-webhooks/emit";
import { invoiceEvent } from "@/lib/outbound-webhooks/events";
import type { StripeInvoiceState, StripeTaxAmount } from "@/lib/stripe/billing";
import type { TaxBreakdownRow } from "@/lib/tax/compute";
import type { InvoiceTaxSnapshot } from "@/lib/tax/snapshot";

const sumTax = (taxes: StripeTaxAmount[]) => taxes.reduce((s, t) => s + t.amount, 0);

/**
 * Stripe's tax on a mirrored invoice as Tally keeps it: per rate, when every rate is one of Tally's
 * own (tax mode tally_rates: `tax_rates.stripe_tax_rate_id`), so the tax report has its jurisdiction.
 * Stripe Tax's own rates are not Tally's: their amount is kept (`tax_cents`), without a breakdown.
 */
async function stripeTaxSnapshot(
  tx: Executor,
  taxes: StripeTaxAmount[],
): Promise<{
  snapshot: InvoiceTaxSnapshot;
  percentageOf: Map<string, string>;
  rateIdOf: Map<string, string>;
} | null> {
  const ids = [...new Set(taxes.map((t) => t.rateId).filter((id): id is string => id !== null))];
  if (taxes.length === 0 || ids.length !== taxes.length) return null;
  const rates = await tx.select().from(taxRates).where(inArray(taxRates.stripeTaxRateId, ids));
  const breakdown: TaxBreakdownRow[] = [];
  for (const t of taxes) {
    const r = rates.find((x) => x.stripeTaxRateId === t.rateId);
    if (!r) return null;
    breakdown.push({
      kind: "rate",
      rate_id: r.id,
      name: r.name,
      country: r.country,
      region: r.region,
      percentage: r.percentage,
      inclusive: t.inclusive,
      // Stripe's taxable amount is net of the tax for both behaviours.
      net_cents: t.taxableAmount,
      tax_cents: t.amount,
    });
  }
  return {
    snapshot: { mode: "tally_rates", breakdown, note: null },
    percentageOf: new Map(rates.map((r) => [r.stripeTaxRateId!, r.percentage])),
    rateIdOf: new Map(rates.map((r) => [r.stripeTaxRateId!, r.id])),
  };
}

const STATUS: Record<string, InvoiceStatus> = {
  draft: "draft",
  open: "open",
  paid: "paid",
  void: "void",
  uncollectible: "uncollectible",
};

export async function upsertStripeInvoice(
  tx: Executor,
  orgId: string,
  inv: StripeInvoiceState,
  stateAt: Date,
  /** quiet: history brought in by adoption (lib/payments/adopt-stripe.ts) is not news: no outbound events. */
  opts: { quiet?: boolean } = {},
): Promise<Invoice | null> {
  const [existing] = await tx.select().from(invoices).where(eq(invoices.stripeInvoiceId, inv.id)).for("update");
  if (existing?.providerUpdatedAt && stateAt < existing.providerUpdatedAt) return existing;
  const [sub] = inv.subscriptionId
    ? await tx
        .select({ id: subscriptions.id })
        .from(subscriptions)
        .where(eq(subscriptions.stripeSubscriptionId, inv.subscriptionId))
    : [];
  const taxCents = sumTax(inv.taxes);
  const taxed = await stripeTaxSnapshot(tx, inv.taxes);
  const values = {
    orgId,
    provider: "stripe" as const,
    livemode: inv.livemode,
    number: inv.number ?? `DRAFT-${inv.id}`,
    status: STATUS[inv.status] ?? "open",
    currency: inv.currency,
    // Tally's subtotal is net of tax (total = subtotal + tax), whatever the rates' behaviour.
    subtotalCents: inv.total - taxCents,
    taxCents,
    tax: taxed?.snapshot ?? null,
    totalCents: inv.total,
    amountPaidCents: inv.amountPaid,
    amountDueCents: inv.amountDue,
    subscriptionId: sub?.id ?? null,
    periodStart: inv.lines[0]?.periodStart ?? inv.periodStart,
    periodEnd: inv.lines[0]?.periodEnd ?? inv.periodEnd,
    issuedAt: inv.created,
    paidAt: inv.paidAt,
    stripeInvoiceId: inv.id,
    hostedUrl: inv.hostedUrl,
    pdfUrl: inv.pdfUrl,
    providerUpdatedAt: stateAt,
  };
  let row: Invoice;
  // A line keeps its Tally id across states (by Stripe's line id; a line mirrored before that id was
  // kept, by its position and amount): credit notes count what they took of a line by its id.
  const keptId = new Map<string, string>();
  if (existing) {
    [row] = (await tx.update(invoices).set(values).where(eq(invoices.id, existing.id)).returning()) as [Invoice];
    const before = await tx.delete(invoiceLines).where(eq(invoiceLines.invoiceId, existing.id)).returning();
    for (const l of before) {
      const stripeLineId = l.details?.stripe_line_id;
      keptId.set(typeof stripeLineId === "string" ? stripeLineId : `${l.position}:${l.amountCents}`, l.id);
    }
  } else {
    [row] = (await tx
      .insert(invoices)
      .values({ id: newId("inv"), ...values })
      .returning()) as [Invoice];
  }
  if (inv.lines.length) {
    await tx.insert(invoiceLines).values(
      inv.lines.map((l, i) => ({
        id: (l.id && keptId.get(l.id)) || keptId.get(`${i}:${l.amount}`) || newId("inl"),
        invoiceId: row.id,
        orgId,
        position: i,
        kind: l.proration ? ("proration" as const) : ("subscription" as const),
        description: l.description || "Subscription",
        quantity: String(l.quantity),
        amountCents: l.amount,
        taxCents: sumTax(l.taxes),
        netCents: l.amount - sumTax(l.taxes.filter((t) => t.inclusive)),
        // One of Tally's rates (its credit notes then credit the tax by the same rule as a local invoice's).
        taxPercentage: l.taxes.length === 1 ? (taxed?.percentageOf.get(l.taxes[0]!.rateId ?? "") ?? null) : null,
        taxRateId: l.taxes.length === 1 ? (taxed?.rateIdOf.get(l.taxes[0]!.rateId ?? "") ?? null) : null,
        details: l.id ? { stripe_line_id: l.id } : null,
        periodStart: l.periodStart,
        periodEnd: l.periodEnd,
      })),
    );
  }
  // Webhook events for the transitions this state brings: issued (out of draft), paid, voided.
  const was = existing?.status ?? "draft";
  if (opts.quiet) return row;
  await emitWebhookEvents(tx, [
    ...(was === "draft" && row.status !== "draft" ? [invoiceEvent("invoice.issued", row, stateAt)] : []),
    ...(was !== "paid" && row.status === "paid" ? [invoiceEvent("invoice.paid", row, row.paidAt ?? stateAt)] : []),
    ...(was !== "void" && row.status === "void" ? [invoiceEvent("invoice.voided", row, stateAt)] : []),
  ]);
  return row;
}
