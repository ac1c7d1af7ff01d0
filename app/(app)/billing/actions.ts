"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { requireOwner } from "@/lib/auth/session";
import { formAction } from "@/lib/http/action";
import { requestOrigin } from "@/lib/http/origin";
import { startCheckout } from "@/lib/payments/checkout";
import { cancelAtPeriodEnd, changePlan, previewPlanChange, resumeSubscription } from "@/lib/payments/lifecycle";
import { portalUrl } from "@/lib/payments/portal";

const ZPlan = z.object({ plan_id: z.string().min(1) });

export const checkoutAction = formAction(z.object({ plan_id: z.string().optional(), credit_product_id: z.string().optional() }), async (input) => {
  const owner = await requireOwner();
  const s = await startCheckout(owner.orgId, { planId: input.plan_id || undefined, creditProductId: input.credit_product_id || undefined, origin: await requestOrigin() }, `user:${owner.id}`);
  return { url: s.url };
});

export const previewChangeAction = formAction(ZPlan, async ({ plan_id }) => {
  const owner = await requireOwner();
  return previewPlanChange(owner.orgId, plan_id);
});

export const changePlanAction = formAction(
  ZPlan,
  async ({ plan_id }) => {
    const owner = await requireOwner();
    const r = await changePlan(owner.orgId, plan_id, `user:${owner.id}`);
    revalidatePath("/billing");
    return r;
  },
  { message: (r) => (r.effective === "now" ? `You are now on ${r.new_plan.name}.` : `${r.new_plan.name} starts when your current period ends.`) },
);

export const cancelAction = formAction(z.object({}), async () => {
  const owner = await requireOwner();
  await cancelAtPeriodEnd(owner.orgId, `user:${owner.id}`);
  revalidatePath("/billing");
  return {};
});

export const resumeAction = formAction(z.object({}), async () => {
  const owner = await requireOwner();
  await resumeSubscription(owner.orgId, `user:${owner.id}`);
  revalidatePath("/billing");
  return {};
});

export const portalAction = formAction(z.object({}), async () => {
  const owner = await requireOwner();
  return { url: await portalUrl(owner.orgId, await requestOrigin()) };
});
