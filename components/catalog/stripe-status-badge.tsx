import { Badge } from "@/components/ui/badge";
import type { PlanStripeStatus } from "@/lib/catalog/plan-stripe-status";

const STATUS: Record<PlanStripeStatus, { label: string; tone: "gray" | "green" | "amber" | "blue" }> = {
  not_published: { label: "Not on Stripe", tone: "gray" },
  in_step: { label: "In step with Stripe", tone: "green" },
  out_of_step: { label: "Not in step with Stripe", tone: "amber" },
  unknown: { label: "On Stripe (not checked yet)", tone: "blue" },
};

/** Whether a plan version's Stripe product and price are what it says (lib/catalog/plan-stripe-status.ts). */
export function StripeStatusBadge({ status }: { status: PlanStripeStatus }) {
  const s = STATUS[status];
  return (
    <Badge tone={s.tone} className="shrink-0 whitespace-nowrap">
      {s.label}
    </Badge>
  );
}
