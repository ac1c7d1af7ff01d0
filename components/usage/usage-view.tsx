import { QueryProvider } from "@/components/providers/query-provider";
import { formatDateRange } from "@/lib/format";
import type { UsagePageData } from "@/lib/metering/usage-page";
import { AlertsPanel } from "./alerts-panel";
import { MeterUsageTable } from "./meter-cards";
import { ModelCosts } from "./model-costs";
import { UsageChart } from "./usage-chart";

type AckAction = React.ComponentProps<typeof AlertsPanel>["acknowledge"];

/** The usage page of one customer, as the customer and the admin see it. */
export function UsageView({
  data,
  acknowledge,
  admin = false,
}: {
  data: UsagePageData;
  acknowledge: AckAction;
  admin?: boolean;
}) {
  // "This period" is the billing period (the plan-limit period); never the calendar month (docs/metrics.md).
  const period = `Billing period ${formatDateRange(data.billing.this_month.start, data.billing.this_month.end)}${data.plan ? ` on ${data.plan.name}` : " (no plan)"}; today is the UTC day.`;
  return (
    <div className="space-y-6">
      <AlertsPanel open={data.alerts} acknowledged={data.acknowledged} acknowledge={acknowledge} />
      <MeterUsageTable rows={data.billing.meters} currency={data.billing.currency} periodLabel={period} />
      <QueryProvider>
        <UsageChart customerId={data.customer.id} meters={data.meters} initial={data.chart} initialData={data.series} />
      </QueryProvider>
      <ModelCosts data={data.models} showProviderCost={admin} />
    </div>
  );
}
