import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { DrawdownChart, type DrawdownChartData } from "./drawdown-chart";
import { DrawdownTable } from "./drawdown-table";

/** Usage drawn from credits by meter over the last 30 days: the chart and its numbers. Nothing when no meter drew credits. */
export function DrawdownCard({
  data,
}: {
  data: DrawdownChartData & { totals: { meter: string; credits: number; events: number }[] };
}) {
  if (data.meters.length === 0) return null;
  return (
    <div className="mb-6 grid grid-cols-1 gap-6 lg:grid-cols-3">
      <Card className="lg:col-span-2">
        <CardHeader
          title="Usage drawn from credits, by meter"
          description="Credits usage events spent per day (UTC), by meter priced in credits. Usage not yet drawn is already counted in Available."
        />
        <CardBody>
          <DrawdownChart data={data} />
        </CardBody>
      </Card>
      <Card>
        <CardHeader title="By meter" description="Last 30 days" />
        <CardBody>
          <DrawdownTable totals={data.totals} />
        </CardBody>
      </Card>
    </div>
  );
}
