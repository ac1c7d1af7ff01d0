"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { formAction } from "@/lib/http/action";
import { requestOrigin } from "@/lib/http/origin";
import { startCheckout } from "@/lib/payments/checkout";
import { cancelAtPeriodEnd, changePlan, previewPlanChange, resumeSubscription } from "@/lib/payments/lifecycle";
import { portalUrl } from "@/lib/payments/portal";

const ZPlan = z.object({ plan_id: z.string().min(1) });

export const checkoutAction = formAction(
  z.object({ plan_id: z.string().optional(), credit_product_id: z.string().optional() }),
  async (input, owner) => {
    const s = await startCheckout(
      owner.orgId,
      {
        planId: input.plan_id || undefined,
        creditProductId: input.credit_product_id || undefined,
        origin: await requestOrigin(),
      },
      `user:${owner.id}`,
    );
    return { url: s.url };
  },
  { auth: "owner" },
);

export const previewChangeAction = formAction(
  ZPlan,
  async ({ plan_id }, owner) => {
    return previewPlanChange(owner.orgId, plan_id);
  },
  { auth: "owner" },
);

export const changePlanAction = formAction(
  ZPlan,
  async ({ plan_id }, owner) => {
    const r = await changePlan(owner.orgId, plan_id, `user:${owner.id}`);
    revalidatePath("/billing");
    return r;
  },
  {
    auth: "owner",
    message: (r) =>
      r.effective === "now"
        ? `You are now on ${r.new_plan.name}.`
        : `${r.new_plan.name} starts when your current period ends.`,
  },
);

export const cancelAction = formAction(
  z.object({}),
  async (_input, owner) => {
    await cancelAtPeriodEnd(owner.orgId, `user:${owner.id}`);
    revalidatePath("/billing");
    return {};
  },
  { auth: "owner" },
);

export const resumeAction = formAction(
  z.object({}),
  async (_input, owner) => {
    await resumeSubscription(owner.orgId, `user:${owner.id}`);
    revalidatePath("/billing");
    return {};
  },
  { auth: "owner" },
);

export const portalAction = formAction(
  z.object({}),
  async (_input, owner) => {
    return { url: await portalUrl(owner.orgId, await requestOrigin()) };
  },
  { auth: "owner" },
);
