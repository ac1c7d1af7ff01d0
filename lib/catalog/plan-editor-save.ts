// What the admin's plan editor saves, in one transaction: the plan (created as a draft, or its
// next version when an existing plan's terms change) and its billing threshold. A plan linked to
// Stripe is published again after the save commits (a Stripe outage leaves it saved, out of step).
import "server-only";
import { db } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { parseAmountToMinor } from "@/lib/money";
import { setPlanBillingThreshold } from "@/lib/payments/threshold-invoicing";
import type { Plan } from "@/lib/db/schema";
import { createPlan, updatePlan } from "./plans";
import { republishAfterChange, type AfterSavePublish } from "./publish-plan";
import type { PlanEditorCreate, PlanEditorEdit } from "./schemas";

function thresholdCents(value: string | null, currency: string): number | null {
  if (value === null) return null;
  let cents: number;
  try {
    cents = parseAmountToMinor(value, currency);
  } catch (e) {
    const message = e instanceof RangeError ? e.message : "must be a decimal amount";
    throw new AppError("validation_error", `billing_threshold: ${message}`, [{ field: "billing_threshold", message }]);
  }
  if (cents <= 0)
    throw new AppError("validation_error", "billing_threshold: must be greater than 0", [
      { field: "billing_threshold", message: "must be greater than 0" },
    ]);
  return cents;
}

export async function savePlanFromEditor(
  save: { kind: "create"; input: PlanEditorCreate } | { kind: "edit"; input: PlanEditorEdit },
  actor: string,
): Promise<{ plan: Plan; newVersion: boolean; stripe: AfterSavePublish }> {
  const cents = thresholdCents(save.input.billing_threshold, save.input.currency);
  const saved = await db.transaction(async (tx) => {
    if (save.kind === "create") {
      const { billing_threshold: _threshold, ...create } = save.input;
      const plan = await createPlan({ ...create, status: create.status ?? "draft" }, tx);
      if (cents !== null) await setPlanBillingThreshold(plan.id, cents, actor, tx);
      return { plan, newVersion: false };
    }
    const { id, billing_threshold: _threshold, ...patch } = save.input;
    const change = await updatePlan(id, patch, tx);
    await setPlanBillingThreshold(change.plan.id, cents, actor, tx);
    return { plan: change.plan, newVersion: change.newVersion };
  });
  if (save.kind !== "edit") return { ...saved, stripe: { status: "not_linked" } };
  return { ...saved, ...(await republishAfterChange(saved.plan)) };
}
