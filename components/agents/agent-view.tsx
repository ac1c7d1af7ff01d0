import { CallsTable, type CallRow } from "./calls-table";
import { PricingHistory, type HistoryItem } from "./pricing-history";
import { ChargeList } from "@/components/catalog/charge-summary";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import type { Charge } from "@/lib/rating/types";

export type AgentViewProps = {
  plan: { name: string; version: number; currency: string; charges: Charge[] } | null;
  history: HistoryItem[];
  total: number;
  calls: CallRow[];
  planAction?: React.ReactNode;
};

/** An agent: its current plan and what it charges, the plan history, and its calls with their costs. */
export function AgentView({ plan, history, total, calls, planAction }: AgentViewProps) {
  return (
    <div className="grid grid-cols-1 gap-6 lg:grid-cols-3">
      <Card>
        <CardHeader title="Current plan" action={plan ? undefined : <Badge tone="amber">No plan</Badge>} />
        <CardBody className="space-y-4">
          {plan ? (
            <>
              <p className="font-medium text-zinc-900">
                {plan.name} <span className="text-sm font-normal text-zinc-500">v{plan.version}</span>
              </p>
              <ChargeList charges={plan.charges} currency={plan.currency} />
            </>
          ) : (
            <p className="text-sm text-zinc-600">
              Calls started without a plan cannot be priced.{" "}
              {planAction ? "Assign one below." : "Ask your platform administrator to assign one."}
            </p>
          )}
          {planAction}
        </CardBody>
      </Card>
      <Card className="lg:col-span-2">
        <CardHeader title="Plan history" description="Newest first." />
        <PricingHistory items={history} total={total} />
      </Card>
      <Card className="lg:col-span-3">
        <CardHeader
          title="Calls"
          description="Usage cost is what each call's metrics cost, rounded once to the cent (hover for the exact amount). The plan's fixed charges are billed once per agent per period on your invoice, not per call."
        />
        <CallsTable rows={calls} />
      </Card>
    </div>
  );
}
