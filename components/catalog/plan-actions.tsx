// The life-cycle buttons of a plan's page: each asks before it acts and says what happens to whom.
import Link from "next/link";
import { ActionButton } from "@/components/ui/action-button";
import { buttonClass } from "@/components/ui/button";
import type { PlanStatus } from "@/lib/catalog/plan-status";
import type { FormActionFn } from "@/lib/http/action-state";

export function PlanActions({
  plan,
  status,
  action,
}: {
  plan: { id: string; name: string; version: number; selfServe: boolean };
  status: PlanStatus;
  action: FormActionFn<{ id: string; status: "on_sale" | "off_sale"; stripeFailed: boolean }>;
}) {
  const where = plan.selfServe
    ? "in their plan picker and at checkout"
    : "when you put them on it (it is not self-serve, so it stays out of the plan picker)";
  return (
    <>
      <Link href={`/admin/plans/${plan.id}/edit`} className={buttonClass("secondary")}>
        Edit plan
      </Link>
      {status === "on_sale" ? (
        <ActionButton
          action={action}
          fields={{ id: plan.id, status: "off_sale" }}
          label="Take off sale"
          pendingLabel="Taking off sale…"
          variant="danger"
          confirm={{
            title: `Take ${plan.name} off sale?`,
            body: (
              <>
                <p>New customers can no longer choose {plan.name}: it leaves the plan picker and checkout at once.</p>
                <p>Customers already on it keep it and are billed as before. You can put it back on sale later.</p>
              </>
            ),
            confirmLabel: "Take off sale",
            keepLabel: "Keep on sale",
          }}
        />
      ) : (
        <ActionButton
          action={action}
          fields={{ id: plan.id, status: "on_sale" }}
          label={status === "draft" ? "Put on sale" : "Put back on sale"}
          pendingLabel="Putting on sale…"
          variant="primary"
          confirm={{
            title: status === "draft" ? `Put ${plan.name} on sale?` : `Put ${plan.name} back on sale?`,
            body: (
              <>
                <p>
                  Customers can choose {plan.name} (version {plan.version}) from now on, {where}.
                </p>
                {status === "draft" && <p>Its terms stay editable; a change to them later makes a new version.</p>}
              </>
            ),
            confirmLabel: status === "draft" ? "Put on sale" : "Put back on sale",
            keepLabel: status === "draft" ? "Keep as draft" : "Keep off sale",
          }}
        />
      )}
    </>
  );
}
