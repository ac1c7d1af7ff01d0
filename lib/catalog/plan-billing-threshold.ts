// A plan's billing threshold (threshold invoicing, lib/payments/threshold-invoicing.ts) is one of
// its terms: a new version of the plan carries it over, and the editor shows it.
import "server-only";
import { eq, sql } from "drizzle-orm";
import { db, type Executor } from "@/lib/db/client";
import { planBillingThresholds } from "@/lib/db/schema";

/** The amount (minor units) at which subscribers of this plan version are invoiced mid-period; null when off. */
export async function planBillingThreshold(planId: string, tx: Executor = db): Promise<number | null> {
  const [row] = await tx
    .select({ amountCents: planBillingThresholds.amountCents })
    .from(planBillingThresholds)
    .where(eq(planBillingThresholds.planId, planId));
  return row?.amountCents ?? null;
}

export async function copyPlanBillingThreshold(tx: Executor, fromPlanId: string, toPlanId: string): Promise<void> {
  await tx.execute(
    sql`insert into plan_billing_thresholds (plan_id, amount_cents, updated_by, updated_at)
        select ${toPlanId}, amount_cents, updated_by, now() from plan_billing_thresholds where plan_id = ${fromPlanId}
        on conflict (plan_id) do nothing`,
  );
}
