import { Badge } from "@/components/ui/badge";
import { PLAN_STATUS_LABELS, planStatus, type PlanLifeCycle } from "@/lib/catalog/plan-status";

/** A plan version's place in its life cycle; older versions read "replaced". */
export function PlanStatusBadge({ plan }: { plan: PlanLifeCycle }) {
  if (!plan.isLatest) return <Badge tone="amber">Replaced</Badge>;
  const status = planStatus(plan);
  return (
    <Badge tone={status === "on_sale" ? "green" : status === "draft" ? "blue" : "gray"}>
      {PLAN_STATUS_LABELS[status]}
    </Badge>
  );
}
