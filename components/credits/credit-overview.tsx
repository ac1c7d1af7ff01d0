"use client";
import { Card, CardHeader } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import { Stat } from "@/components/ui/stat";
import type { CreditBalanceJson } from "@/lib/credits/schemas";
import { burnRate } from "@/lib/credits/burn-rate";
import { formatCredits, formatInteger } from "@/lib/format";
import { useCreditBalance } from "@/lib/queries/credits";
import { BucketsTable } from "./buckets-table";
import { LowBalanceBanner } from "./low-balance-banner";
import { sourceLabel } from "./source-badge";
import type { SpendPoint } from "./spend-chart";

/**
 * Balance, holds, pace and buckets — refreshed in the background while the page is open. `operator`: the
 * admin's view, which also shows each bucket's key.
 */
export function CreditOverview({
  initial,
  series,
  operator = false,
}: {
  initial: CreditBalanceJson;
  series: SpendPoint[];
  operator?: boolean;
}) {
  const { data } = useCreditBalance(initial);
  const asOf = new Date(data.as_of);
  const week = burnRate(series, 7, data.balance, asOf);
  const month = burnRate(series, 30, data.balance, asOf);
  const live = data.buckets.filter((b) => b.remaining > 0);
  return (
    <>
      <LowBalanceBanner balance={data.balance} threshold={data.low_balance.threshold} overage={data.overage} />
      <div className="mb-6 grid grid-cols-2 gap-4 lg:grid-cols-4">
        <Stat
          label="Available"
          value={<span data-testid="credit-balance">{formatInteger(data.balance)}</span>}
          hint={
            data.low_balance.threshold !== null
              ? `warning below ${formatInteger(data.low_balance.threshold)}`
              : "credits you can spend now"
          }
          tone={data.low_balance.below || data.balance < 0 ? "warn" : "default"}
        />
        <Stat
          label="Held"
          value={<span data-testid="credit-held">{formatInteger(data.held)}</span>}
          hint="reserved by work in flight"
        />
        <Stat label="Burn rate" value={`${week.perDay} / day`} hint={`last 7 days · ${month.perDay} / day over 30`} />
        <Stat
          label="Runs out"
          value={week.runsOutAt ? <LocalTime value={week.runsOutAt} mode="date" /> : "—"}
          hint={
            week.runsOutAt
              ? "at the last 7 days' pace"
              : data.balance > 0
                ? "no spending in the last 7 days"
                : "no credits left"
          }
          tone={week.runsOutAt && week.runsOutAt.getTime() - asOf.getTime() < 7 * 86_400_000 ? "warn" : "default"}
        />
      </div>
      <Card className="mb-6">
        <CardHeader
          title="Buckets"
          description={`In the order they are spent: ${data.precedence.map((p) => sourceLabel(p).toLowerCase()).join(", then ")}; within a source, the earliest expiry first. ${live.length} with credits left.`}
        />
        <BucketsTable buckets={data.buckets} operator={operator} />
        {data.overage > 0 && (
          <p className="border-t border-zinc-100 px-5 py-3 text-sm text-red-700">
            Overage outstanding: {formatCredits(data.overage)}.
          </p>
        )}
      </Card>
    </>
  );
}
