"use server";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { savePlanFromEditor } from "@/lib/catalog/plan-editor-save";
import { humanPlanState } from "@/lib/catalog/plan-form-messages";
import { setPlanStatus } from "@/lib/catalog/plans";
import { publishIfLinked, publishPlanToStripe } from "@/lib/catalog/publish-plan";
import { ZPlanEditorCreate, ZPlanEditorEdit } from "@/lib/catalog/schemas";
import { syncAllPlansFromStripe } from "@/lib/catalog/sync-stripe-plans";
import { formAction, jsonAction } from "@/lib/http/action";
import type { ActionState } from "@/lib/http/action-state";
import { moveSubscribersToVersion } from "@/lib/payments/plan-version-move";

const create = jsonAction(
  ZPlanEditorCreate,
  async (input, admin) => {
    const { plan } = await savePlanFromEditor({ kind: "create", input }, `user:${admin.id}`);
    revalidatePath("/admin/plans");
    redirect(`/admin/plans/${plan.id}?saved=created`);
    return { id: plan.id };
  },
  { auth: "admin" },
);

/** A plan made in the editor starts as a draft: no customer sees it until it is put on sale. */
export async function createPlanAction(prev: ActionState<{ id: string }>, form: FormData) {
  return humanPlanState(await create(prev, form));
}

const edit = jsonAction(
  ZPlanEditorEdit,
  async (input, admin) => {
    const { plan, newVersion, stripe } = await savePlanFromEditor({ kind: "edit", input }, `user:${admin.id}`);
    revalidatePath("/admin/plans");
    revalidatePath(`/admin/plans/${input.id}`);
    const published = stripe.status === "failed" ? `&stripe=${stripe.reason}` : "";
    redirect(`/admin/plans/${plan.id}?saved=${newVersion ? "version" : "saved"}${published}`);
    return { id: plan.id };
  },
  { auth: "admin" },
);

/** Saves an existing plan: labels in place, new terms as its next version (drafts change in place). */
export async function editPlanAction(prev: ActionState<{ id: string }>, form: FormData) {
  return humanPlanState(await edit(prev, form));
}

export const setPlanStatusAction = formAction(
  z.object({ id: z.string().min(1), status: z.enum(["on_sale", "off_sale"]) }),
  async ({ id, status }) => {
    const plan = await setPlanStatus(id, status);
    // A plan linked to Stripe sells there only while it is on sale here: its price follows.
    const stripe = await publishIfLinked(plan);
    revalidatePath("/admin/plans");
    revalidatePath(`/admin/plans/${id}`);
    return { id: plan.id, status, stripeFailed: stripe.status === "failed" };
  },
  {
    auth: "admin",
    message: (r) =>
      (r.status === "on_sale" ? "On sale: customers can choose it now." : "Taken off sale.") +
      (r.stripeFailed ? " Stripe could not be updated: publish the plan again to bring it in step." : ""),
  },
);

export const moveSubscribersAction = formAction(
  z.object({ id: z.string().min(1), subscription_ids: z.string().max(200_000) }),
  async ({ id, subscription_ids }, admin) => {
    const ids = subscription_ids.split(",").filter(Boolean);
    const r = await moveSubscribersToVersion(id, ids, `user:${admin.id}`);
    revalidatePath(`/admin/plans/${id}`);
    return r;
  },
  {
    auth: "admin",
    message: (r) =>
      `${r.moved} subscriber${r.moved === 1 ? "" : "s"} move${r.moved === 1 ? "s" : ""} to version ${r.version} at the end of their current period${r.skipped ? `; ${r.skipped} changed meanwhile and stay${r.skipped === 1 ? "s" : ""}` : ""}.`,
  },
);

export const publishPlanAction = formAction(
  z.object({ id: z.string().min(1) }),
  async ({ id }) => {
    const r = await publishPlanToStripe(id);
    revalidatePath("/admin/plans");
    revalidatePath(`/admin/plans/${id}`);
    return { id: r.plan.id, outcome: r.outcome, priceId: r.plan.stripePriceId, archivedPriceId: r.archivedPriceId };
  },
  {
    auth: "admin",
    message: (r) =>
      r.outcome === "unchanged"
        ? "Already in step with Stripe: nothing to change."
        : r.outcome === "published"
          ? `Published: Stripe price ${r.priceId}.`
          : `Stripe updated: price ${r.priceId}${r.archivedPriceId ? ` (${r.archivedPriceId} archived; its subscribers keep it)` : ""}.`,
  },
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
