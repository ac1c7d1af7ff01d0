// The usage of an ended period as invoice lines: quantities from the metering rollups, priced with
// the plan's charges by the rating engine, each line rounded half-up once to the minor unit.
import "server-only";
import type { Executor } from "@/lib/db/client";
import type { Plan } from "@/lib/db/schema";
import { formatQuantity } from "@/lib/format";
import { dec, roundToMinor } from "@/lib/money";
import { hourRange } from "@/lib/metering/limit-period";
import { meterIndex } from "@/lib/metering/meters";
import { pricedUsage } from "@/lib/metering/priced-usage";
import type { NewLine } from "@/lib/invoices/issue-invoice";

export async function usageLinesFor(x: Executor, orgId: string, plan: Plan, period: { start: Date; end: Date }): Promise<NewLine[]> {
  const codes = new Set(plan.charges.flatMap((c) => (c.type === "usage" ? [c.meter] : [])));
  if (codes.size === 0) return [];
  const meters = (await meterIndex({ x, fresh: true })).all.filter((m) => codes.has(m.code));
  const priced = await pricedUsage(orgId, meters, hourRange(period), plan, x);
  const unitOf = new Map(meters.map((m) => [m.code, m.unit]));
  const lines: NewLine[] = [];
  for (const line of priced.rated?.lines ?? []) {
    if (line.type !== "usage" || !line.meter) continue;
    const amountCents = roundToMinor(line.amount, plan.currency);
    if (amountCents === 0 && dec(line.billable_quantity).isZero()) continue;
    lines.push({
      kind: "usage",
      description: `${line.name}: ${formatQuantity(line.quantity, unitOf.get(line.meter))}${line.billable_quantity !== line.quantity ? ` (${formatQuantity(line.billable_quantity)} billable)` : ""}`,
      quantity: line.billable_quantity,
      unitAmount: dec(line.billable_quantity).isZero() ? null : dec(line.amount).div(line.billable_quantity).toDecimalPlaces(10).toFixed(),
      amountCents,
      meter: line.meter,
      periodStart: period.start,
      periodEnd: period.end,
      details: { exact_amount: line.amount, parts: line.parts },
    });
  }
  return lines;
}
