// The invoice the current period will end with, as it stands now: the next period's plan fee (and
// its discount), the period's usage, overage and call costs so far — the very lines periodLines
// will bill when the period closes, with the same ids — and a projection of each line to the
// period end at the current pace (quantities extrapolated, then rated, so tiers apply). A trial's
// usage is free, so a trialing subscription shows only the fee due when the trial ends.
import "server-only";
import { and, eq, inArray } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { LIVE_STATUSES, plans, subscriptions } from "@/lib/db/schema";
import { AppError, notFound } from "@/lib/http/errors";
import { minorToDecimal } from "@/lib/money";
import { nextPeriod } from "@/lib/subscriptions/rollover";
import { buyerTax } from "@/lib/tax/buyer-tax";
import { invoiceTax } from "@/lib/tax/compute";
import { rateLabel } from "@/lib/tax/describe";
import { subscriptionLines } from "./local-billing";
import { addonFeeLines } from "@/lib/addons/fees";
import { liveAddonsOf } from "@/lib/addons/live";
import { liveDiscountOf } from "@/lib/coupons/live-discount";
import { lateUsageLinesMany } from "./late-usage";
import { loadPeriodInput } from "./period-input";
import { periodLines, projectToPeriodEnd, totalCents, type PeriodLine } from "./period-lines";
import type { UpcomingInvoiceJson, UpcomingInvoiceLineJson } from "./schemas";
import { lessThresholdBilled, thresholdBilledByLineMany } from "./threshold-invoicing";

const lineJson = (l: PeriodLine): UpcomingInvoiceLineJson => ({
  id: l.id,
  kind: l.kind,
  description: l.description,
  quantity: l.quantity,
  unit_amount: l.unitAmount,
  amount: minorToDecimal(l.amountCents, l.currency),
  amount_exact: l.exactAmount,
  amount_cents: l.amountCents,
  meter: l.meter,
  plan_id: l.planId,
  agent_id: l.agentId,
  period_start: l.periodStart.toISOString(),
  period_end: l.periodEnd.toISOString(),
});

export async function upcomingInvoice(orgId: string, now = new Date()): Promise<UpcomingInvoiceJson> {
  // The subscription with its plan in one read; the loader is handed the plans it already has.
  const [live] = await db
    .select({ sub: subscriptions, plan: plans })
    .from(subscriptions)
    .innerJoin(plans, eq(plans.id, subscriptions.planId))
    .where(and(eq(subscriptions.orgId, orgId), inArray(subscriptions.status, [...LIVE_STATUSES])));
  const sub = live?.sub;
  if (!sub || sub.status === "incomplete") throw notFound("Current subscription");
  const period = { start: sub.currentPeriodStart, end: sub.currentPeriodEnd };
  const trial = sub.status === "trialing";
  const current = live.plan;
  const [next] = sub.pendingPlanId ? await db.select().from(plans).where(eq(plans.id, sub.pendingPlanId)) : [current];
  const currency = current.currency;

  // Three reads at once: the period's inputs, earlier periods' usage that arrived after they were
  // billed (it goes on this period's invoice), and what threshold invoices already billed this period
  // (not on the period's invoice, threshold-invoicing.ts).
  const [input, [late = []], [billed = new Map<string, number>()]] = trial
    ? [null, [], []]
    : await Promise.all([
        loadPeriodInput(db, sub, period, { knownPlans: next ? [current, next] : [current] }),
        lateUsageLinesMany(db, [{ sub, period }]),
        thresholdBilledByLineMany(db, [{ subscriptionId: sub.id, period }]),
      ]);
  const lines = input ? [...lessThresholdBilled(periodLines(input), billed), ...late] : [];
  const projected = input ? [...lessThresholdBilled(periodLines(projectToPeriodEnd(input, now)), billed), ...late] : [];

  // The fee of the period that starts when this one ends (none after a cancellation).
  const [discount, held, tax] = await Promise.all([
    liveDiscountOf(db, orgId, sub.id),
    liveAddonsOf(db, [sub.id]),
    buyerTax(orgId),
  ]);
  const renews = !sub.cancelAtPeriodEnd && next;
  const fee = renews ? subscriptionLines(next, nextPeriod(sub), discount, totalCents(lines)) : [];
  const addonFees = renews ? addonFeeLines(held.get(sub.id) ?? [], nextPeriod(sub), currency) : [];
  const feeCents = [...fee, ...addonFees].reduce((s, l) => s + l.amountCents, 0);
  const [planFee, ...discounts] = fee;
  const usageCents = totalCents(lines);
  const projectedCents = totalCents(projected);
  const isCall = (l: PeriodLine) => l.kind === "call_usage" || l.kind === "agent_fixed";
  const isAddon = (l: PeriodLine) => l.kind === "addon";
  const feeLines = [...fee, ...addonFees];
  const taxSoFar = invoiceTax([...feeLines, ...lines], tax.treatment);
  const taxProjected = invoiceTax([...feeLines, ...projected], tax.treatment);
  const t = tax.treatment;
  return {
    object: "upcoming_invoice" as const,
    customer_id: orgId,
    subscription_id: sub.id,
    provider: sub.provider,
    status: sub.status,
    currency,
    period_start: period.start.toISOString(),
    period_end: period.end.toISOString(),
    /** When the invoice is issued: the period's end. */
    invoice_date: period.end.toISOString(),
    as_of: now.toISOString(),
    plan_fee: planFee
      ? {
          plan_id: next!.id,
          plan_name: next!.name,
          description: planFee.description,
          amount: minorToDecimal(planFee.amountCents, currency),
          amount_cents: planFee.amountCents,
          period_start: planFee.periodStart!.toISOString(),
          period_end: planFee.periodEnd!.toISOString(),
        }
      : null,
    discounts: discounts.map((d) => ({
      description: d.description,
      amount_cents: d.amountCents,
      amount: minorToDecimal(d.amountCents, currency),
    })),
    addon_fees: addonFees.map((l) => ({
      addon_id: String(l.details?.addon_id),
      description: l.description,
      quantity: Number(l.quantity),
      amount_cents: l.amountCents,
      amount: minorToDecimal(l.amountCents, currency),
    })),
    /** Credit-priced meters come in a later issue; nothing is applied yet. */
    credits_applied: [],
    lines: lines.map(lineJson),
    projected_lines: projected.map(lineJson),
    usage_cents: totalCents(lines.filter((l) => !isCall(l) && !isAddon(l))),
    call_costs_cents: totalCents(lines.filter(isCall)),
    addon_charges_cents: totalCents(lines.filter(isAddon)),
    total_so_far_cents: feeCents + usageCents,
    total_so_far: minorToDecimal(feeCents + usageCents, currency),
    projected_total_cents: feeCents + projectedCents,
    projected_total: minorToDecimal(feeCents + projectedCents, currency),
    tax: {
      mode: tax.mode,
      treatment: tax.mode === "stripe_tax" && sub.provider === "stripe" ? "stripe_tax" : t.kind,
      label: t.kind === "rate" ? rateLabel(t) : null,
      inclusive: t.kind === "rate" && t.inclusive,
      note: taxSoFar.note,
      tax_so_far_cents: taxSoFar.taxCents,
      total_so_far_with_tax_cents: taxSoFar.totalCents,
      projected_tax_cents: taxProjected.taxCents,
      projected_total_with_tax_cents: taxProjected.totalCents,
    },
  };
}

/** The upcoming invoice, or null when there is no current subscription to bill. */
export const upcomingInvoiceOrNull = (orgId: string, now?: Date): Promise<UpcomingInvoiceJson | null> =>
  upcomingInvoice(orgId, now).catch((e: unknown) => {
    if (e instanceof AppError && e.code === "not_found") return null;
    throw e;
  });
