// A period's usage, overage and call charges (periodLines over loadPeriodInput) as the lines of a
// Tally invoice. Each line carries its period line id in details, so the local invoice, Stripe's
// invoice items and the upcoming invoice can be compared line by line.
import "server-only";
import type { Executor } from "@/lib/db/client";
import type { Plan, Subscription } from "@/lib/db/schema";
import type { NewLine } from "@/lib/invoices/issue-invoice";
import { loadPeriodInput } from "./period-input";
import { periodLines, type PeriodLine } from "./period-lines";
import { lessThresholdBilled, thresholdBilledByLine } from "./threshold-invoicing";

const KIND: Record<PeriodLine["kind"], NewLine["kind"]> = {
  usage: "usage",
  call_usage: "usage",
  overage: "credits",
  agent_fixed: "fixed",
};

export function toInvoiceLine(l: PeriodLine): NewLine {
  return {
    kind: KIND[l.kind],
    description: l.description,
    quantity: l.quantity,
    unitAmount: l.unitAmount,
    amountCents: l.amountCents,
    meter: l.meter,
    periodStart: l.periodStart,
    periodEnd: l.periodEnd,
    details: { line_id: l.id, line_kind: l.kind, exact_amount: l.exactAmount },
  };
}

/** The lines the ended `period` of `sub` is billed (usage in arrears): what its invoice, or Stripe's, carries besides the plan fee. */
export async function periodLinesFor(
  x: Executor,
  sub: Subscription,
  period: { start: Date; end: Date },
  opts: { final?: boolean; knownPlans?: Plan[] } = {},
): Promise<PeriodLine[]> {
  const lines = periodLines(await loadPeriodInput(x, sub, period, opts));
  // Usage invoiced during the period at its plan's threshold is not billed again (threshold-invoicing.ts).
  return lessThresholdBilled(lines, await thresholdBilledByLine(x, sub.id, period));
}
