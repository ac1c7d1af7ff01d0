import { Badge } from "@/components/ui/badge";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, Td, Th } from "@/components/ui/table";
import { cn } from "@/components/ui/cn";
import { formatAmount, formatQuantity, formatUnitPrice } from "@/lib/format";
import type { BillingUsageMeterJson } from "@/lib/metering/schemas";

/** A meter of GET /api/v1/billing/usage (the fields the table shows). */
export type MeterRow = Pick<
  BillingUsageMeterJson,
  | "meter"
  | "name"
  | "unit"
  | "today"
  | "this_month"
  | "included"
  | "remaining"
  | "overage"
  | "overage_cost"
  | "price_per_1k"
  | "limit"
>;

export function LimitBar({ percent, enforcement }: { percent: number; enforcement: string }) {
  const tone = percent >= 100 ? "bg-red-500" : percent >= 80 ? "bg-amber-500" : "bg-brand-600";
  return (
    <div className="mt-1 flex items-center gap-2" title={`${percent} % of the plan limit (${enforcement})`}>
      <div
        className="h-1.5 w-24 overflow-hidden rounded-full bg-zinc-100"
        role="progressbar"
        aria-valuenow={Math.min(100, percent)}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-label="Share of the plan limit used"
      >
        <div className={cn("h-full rounded-full", tone)} style={{ width: `${Math.min(100, percent)}%` }} />
      </div>
      <span className="text-xs text-zinc-500">{percent} %</span>
    </div>
  );
}

/** Today and this billing period per meter, with what the plan includes and what the overage costs. */
export function MeterUsageTable({
  rows,
  currency,
  periodLabel,
}: {
  rows: MeterRow[];
  currency: string;
  periodLabel: string;
}) {
  return (
    <Card>
      <CardHeader title="Today and this billing period" description={periodLabel} />
      {rows.length === 0 ? (
        <EmptyState title="Nothing metered yet">
          Send usage events to see today’s and this billing period’s usage per meter.
        </EmptyState>
      ) : (
        <Table>
          <thead>
            <tr>
              <Th>Meter</Th>
              <Th align="right">Today</Th>
              <Th align="right">This period</Th>
              <Th align="right">Included</Th>
              <Th align="right">Remaining</Th>
              <Th align="right">Overage</Th>
              <Th align="right">Cost</Th>
              <Th align="right">Next 1,000</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100" data-testid="meter-usage">
            {rows.map((r) => (
              <tr key={r.meter} data-meter={r.meter}>
                <Td>
                  <div className="font-medium text-zinc-900">{r.name}</div>
                  {r.limit ? (
                    <LimitBar percent={r.limit.percent_used} enforcement={r.limit.enforcement} />
                  ) : (
                    <div className="text-xs text-zinc-500">{r.unit === "unit" ? "" : r.unit}</div>
                  )}
                </Td>
                <Td align="right">{r.today === null ? "—" : formatQuantity(r.today, r.unit)}</Td>
                <Td align="right">{r.this_month === null ? "—" : formatQuantity(r.this_month, r.unit)}</Td>
                <Td align="right">
                  {r.included === null ? <span className="text-zinc-500">unlimited</span> : formatQuantity(r.included)}
                </Td>
                <Td align="right">{r.remaining === null ? "—" : formatQuantity(r.remaining)}</Td>
                <Td align="right">
                  {r.overage === null || r.overage === "0" ? (
                    "—"
                  ) : (
                    <Badge tone="amber">{formatQuantity(r.overage)}</Badge>
                  )}
                </Td>
                <Td align="right">{formatAmount(r.overage_cost, currency)}</Td>
                <Td align="right">
                  {r.price_per_1k === null ? "—" : formatUnitPrice(r.price_per_1k, currency, "1,000")}
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </Card>
  );
}
