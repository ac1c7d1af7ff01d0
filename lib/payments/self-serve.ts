// Plans with `self_serve: false` are sold by the operator only (an enterprise contract): a
// customer's own checkout or plan change is refused, naming the plan.
import type { Plan } from "@/lib/db/schema";
import { AppError } from "@/lib/http/errors";

export function assertSelfServe(plan: Pick<Plan, "name" | "code" | "selfServe">): void {
  if (plan.selfServe) return;
  const message = `The plan "${plan.name}" (${plan.code}) is not offered for self-service: contact us to be moved to it.`;
  throw new AppError("forbidden", message, [{ field: "plan_id", message }]);
}
