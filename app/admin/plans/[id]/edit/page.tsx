import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { PlanEditor } from "@/components/catalog/plan-editor";
import { PageHeader } from "@/components/ui/page-header";
import { requireAdmin } from "@/lib/auth/session";
import { planEditorFeatures, planEditorInitial, planEditorMeters } from "@/lib/catalog/plan-editor-data";
import { getPlan } from "@/lib/catalog/plans";
import { planStatus } from "@/lib/catalog/plan-status";
import { paymentRail } from "@/lib/payments/provider";
import { AppError } from "@/lib/http/errors";
import { editPlanAction } from "../../actions";

export const metadata: Metadata = { title: "Edit plan" };

export default async function EditPlanPage({ params }: { params: Promise<{ id: string }> }) {
  await requireAdmin();
  const { id } = await params;
  const plan = await getPlan(id).catch((e) => {
    if (e instanceof AppError && e.code === "not_found") notFound();
    throw e;
  });
  const back = (
    <p className="mb-2 text-sm">
      <Link href={`/admin/plans/${plan.id}`} className="text-brand-600 hover:text-brand-700">
        ← {plan.name} (version {plan.version})
      </Link>
    </p>
  );
  if (!plan.isLatest)
    return (
      <>
        {back}
        <PageHeader
          title={`Edit ${plan.name}`}
          description="This is an older version: subscribers on it keep its terms. Edit the newest version instead; saving new terms there makes the next version."
        />
      </>
    );
  const [meters, features, initial] = await Promise.all([
    planEditorMeters(),
    planEditorFeatures(),
    planEditorInitial(plan),
  ]);
  const draft = planStatus(plan) === "draft";
  const publishes = plan.stripePriceId !== null && paymentRail() === "stripe";
  return (
    <>
      {back}
      <PageHeader
        title={`Edit ${plan.name}`}
        description={
          draft
            ? "A draft changes in place: no one is on it yet."
            : `Names and descriptions change in place. Changing a price, charge, limit, feature, trial, interval or included credits saves version ${plan.version + 1}; subscribers stay on version ${plan.version} until you move them.`
        }
      />
      {publishes && (
        <p className="mb-4 rounded-md bg-sky-50 px-3 py-2 text-sm text-sky-900 ring-1 ring-sky-200">
          This plan is on Stripe: saving publishes the change there too (a new version gets a new Stripe price; the old
          price keeps billing its subscribers). Only the base price is a Stripe price; charges are billed by Tally.
        </p>
      )}
      <PlanEditor meters={meters} features={features} action={editPlanAction} initial={initial} />
    </>
  );
}
