"use server";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { archivePlan, createPlan } from "@/lib/catalog/plans";
import { ZPlanCreate } from "@/lib/catalog/schemas";
import { syncAllPlansFromStripe } from "@/lib/catalog/sync-stripe-plans";
import { formAction, jsonAction } from "@/lib/http/action";

export const createPlanAction = jsonAction(
  ZPlanCreate,
  async (input) => {
    const plan = await createPlan(input);
    revalidatePath("/admin/plans");
    redirect(`/admin/plans/${plan.id}`);
    return { id: plan.id };
  },
  { auth: "admin" },
);

export const archivePlanAction = formAction(
  z.object({ id: z.string().min(1) }),
  async ({ id }) => {
    await archivePlan(id);
    revalidatePath("/admin/plans");
    revalidatePath(`/admin/plans/${id}`);
    return { id };
  },
  { auth: "admin" },
);

export const syncPlansAction = formAction(
  z.object({}),
  async () => {
    const report = await syncAllPlansFromStripe();
    revalidatePath("/admin/plans");
    return report;
  },
  {
    auth: "admin",
    message: (r) =>
      `Synced ${r.synced_count} plan${r.synced_count === 1 ? "" : "s"}: ${r.created} new, ${r.versioned} new versions, ${r.updated} updated, ${r.archived} archived${r.skipped.length ? `, ${r.skipped.length} prices skipped` : ""}.`,
  },
);
