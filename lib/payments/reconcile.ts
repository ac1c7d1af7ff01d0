// Reconciling a Stripe subscription's ended period: Tally's rated lines beside what Stripe
// invoiced for them (the invoice items carrying each line's id) and collected. Pure; the job in
// reconcile-stripe-periods.ts reads Stripe and stores the result. A finance person's differences:
// a line Stripe does not have, an amount that differs, lines never added, and an invoice left
// unpaid past its due date (or voided).
import type { StripeInvoiceForReconciliation } from "@/lib/stripe/invoice-items";

export type Difference = {
  kind: "missing_item" | "amount_off" | "not_added" | "invoice_missing" | "unpaid_past_due" | "not_collected";
  line_id?: string;
  expected_cents?: number;
  stripe_cents?: number;
  message: string;
};

export type Reconciliation = {
  differences: Difference[];
  invoicedCents: number;
  collectedCents: number;
  stripeStatus: string | null;
};

/** An open charge-automatically invoice has no due date: Stripe retries for days; past this it is overdue. */
export const UNPAID_GRACE_MS = 7 * 86_400_000;
/** Lines not on Stripe a day after they were rated are a difference, not work in progress. */
export const NOT_ADDED_GRACE_MS = 86_400_000;

type TallyLine = { id: string; amountCents: number; description: string };

export function reconcilePeriod(input: {
  status: "pending" | "billed" | "empty";
  createdAt: Date;
  lines: TallyLine[];
  invoice: StripeInvoiceForReconciliation | null | undefined;
  now: Date;
}): Reconciliation {
  const billable = input.lines.filter((l) => l.amountCents !== 0);
  const differences: Difference[] = [];
  if (input.status === "empty" || billable.length === 0)
    return { differences, invoicedCents: 0, collectedCents: 0, stripeStatus: input.invoice?.status ?? null };
  if (input.status === "pending" && input.now.getTime() - input.createdAt.getTime() > NOT_ADDED_GRACE_MS) {
    differences.push({
      kind: "not_added",
      message: `The period's usage was rated ${Math.floor((input.now.getTime() - input.createdAt.getTime()) / 3_600_000)} hours ago and is not all on Stripe; see the outbox.`,
    });
  }
  if (!input.invoice) {
    if (input.status === "billed")
      differences.push({ kind: "invoice_missing", message: "Stripe has no invoice for this period's usage." });
    return { differences, invoicedCents: 0, collectedCents: 0, stripeStatus: null };
  }
  const byLine = new Map<string, number>();
  for (const l of input.invoice.lines)
    if (l.tallyLineId) byLine.set(l.tallyLineId, (byLine.get(l.tallyLineId) ?? 0) + l.amount);
  let invoiced = 0;
  for (const line of billable) {
    const at = byLine.get(line.id);
    if (at === undefined) {
      if (input.status === "billed")
        differences.push({
          kind: "missing_item",
          line_id: line.id,
          expected_cents: line.amountCents,
          message: `${line.description}: not on Stripe's invoice.`,
        });
      continue;
    }
    invoiced += at;
    if (at !== line.amountCents)
      differences.push({
        kind: "amount_off",
        line_id: line.id,
        expected_cents: line.amountCents,
        stripe_cents: at,
        message: `${line.description}: Tally rated ${line.amountCents}, Stripe invoiced ${at} (minor units).`,
      });
  }
  const inv = input.invoice;
  const collected = inv.status === "paid" ? invoiced : 0;
  const due = inv.dueDate ?? (inv.finalizedAt ? new Date(inv.finalizedAt.getTime() + UNPAID_GRACE_MS) : null);
  if (inv.status === "open" && due && due < input.now)
    differences.push({
      kind: "unpaid_past_due",
      message: `Invoice ${inv.id} is unpaid past its due date (${due.toISOString().slice(0, 10)}).`,
    });
  if (inv.status === "void" || inv.status === "uncollectible")
    differences.push({
      kind: "not_collected",
      message: `Invoice ${inv.id} is ${inv.status}: its usage will not be collected.`,
    });
  return { differences, invoicedCents: invoiced, collectedCents: collected, stripeStatus: inv.status };
}
