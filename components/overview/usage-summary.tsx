import Link from "next/link";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { LimitBar, type MeterRow } from "@/components/usage/meter-cards";
import { formatDate, formatQuantity } from "@/lib/format";
import type { BillingUsageJson } from "@/lib/metering/schemas";

/** This period per meter against the plan's limit or included units (the usage page's figures, in short). */
export function UsageSummary({
  usage,
}: {
  usage: Pick<BillingUsageJson, "this_month" | "plan"> & { meters: MeterRow[] };
}) {
  return (
    <Card aria-label="Usage this period">
      <CardHeader
        title="Usage this period"
        description={`${formatDate(usage.this_month.start)} – ${formatDate(usage.this_month.end)}${usage.plan ? ` on ${usage.plan.name}` : ""}.`}
        action={
          <Link href="/usage" className="whitespace-nowrap text-sm font-medium text-brand-600 hover:text-brand-700">
            Usage details
          </Link>
        }
      />
      {usage.meters.length === 0 ? (
        <EmptyState title="Nothing metered yet">
          Send usage events from your product: each meter of your plan shows here with its limit.
        </EmptyState>
      ) : (
        <ul className="divide-y divide-zinc-100" data-testid="overview-usage">
          {usage.meters.map((m) => {
            const used = m.this_month ?? "0";
            const of = m.limit
              ? formatQuantity(m.limit.limit, m.unit)
              : m.included && m.included !== "0"
                ? formatQuantity(m.included, m.unit)
                : null;
            return (
              <li
                key={m.meter}
                data-meter={m.meter}
                className="flex flex-wrap items-center justify-between gap-x-4 gap-y-1 px-5 py-3"
              >
                <div className="min-w-0">
                  <div className="font-medium text-zinc-900">{m.name}</div>
                  {m.limit && <LimitBar percent={m.limit.percent_used} enforcement={m.limit.enforcement} />}
                </div>
                <div className="tabular text-right text-sm text-zinc-700">
                  <span className="font-medium text-zinc-900">{formatQuantity(used, m.unit)}</span>
                  {of && (
                    <span className="text-zinc-500">
                      {" "}
                      of {of} {m.limit ? "limit" : "included"}
                    </span>
                  )}
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </Card>
  );
}
