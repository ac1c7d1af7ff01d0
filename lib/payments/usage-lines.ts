// A period's usage, overage and call charges (periodLines over loadPeriodInput) as the lines of a
// Tally invoice. Each line carries its period line id in details, so the local invoice, Stripe's
// invoice items and the upcoming invoice can be compared line by line.
import "server-only";
import type { Executor } from "@/lib/db/client";
import type { Plan, Subscription } from "@/lib/db/schema";
import type { NewLine } from "@/lib/invoices/issue-invoice";
import { lateUsageLinesMany } from "./late-usage";
import { loadPeriodInputs, type PeriodRequest } from "./period-input";
import { periodLines, type PeriodLine } from "./period-lines";
import { lessThresholdBilled, thresholdBilledByLineMany } from "./threshold-invoicing";

const KIND: Record<PeriodLine["kind"], NewLine["kind"]> = {
  usage: "usage",
  call_usage: "usage",
  overage: "credits",
  agent_fixed: "fixed",
  late_usage: "usage",
  addon: "other",
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

/**
 * The lines the ended `period` of `sub` is billed (usage in arrears): what its invoice, or Stripe's,
 * carries besides the plan fee — and earlier periods' usage that arrived after they were billed
 * (late-usage.ts).
 */
export async function periodLinesFor(
  tx: Executor,
  sub: Subscription,
  period: { start: Date; end: Date },
  opts: { final?: boolean; knownPlans?: Plan[] } = {},
): Promise<PeriodLine[]> {
  const [lines] = await periodLinesForMany(tx, [{ sub, period, final: opts.final }], { knownPlans: opts.knownPlans });
  return lines!;
}

/**
 * The lines of many ended periods (a batch of the rollover), read together: the same lines each would get alone,
 * less what threshold invoices billed during it, with earlier periods' usage that arrived after they were billed (late-usage.ts).
 */
export async function periodLinesForMany(
  tx: Executor,
  requests: PeriodRequest[],
  opts: { knownPlans?: Plan[] } = {},
): Promise<PeriodLine[][]> {
  // The three reads go out together (pipelined in the caller's transaction), each one set-based for the batch.
  const [inputs, thresholdBilled, late] = await Promise.all([
    loadPeriodInputs(tx, requests, opts),
    thresholdBilledByLineMany(
      tx,
      requests.map((r) => ({ subscriptionId: r.sub.id, period: r.period })),
    ),
    lateUsageLinesMany(tx, requests),
  ]);
  // Usage invoiced during the period at its plan's threshold is not billed again (threshold-invoicing.ts).
  return inputs.map((input, i) => [...lessThresholdBilled(periodLines(input), thresholdBilled[i]!), ...late[i]!]);
}
