import type { Metadata } from "next";
import Link from "next/link";
import { PlanEditor } from "@/components/catalog/plan-editor";
import { PageHeader } from "@/components/ui/page-header";
import { requireAdmin } from "@/lib/auth/session";
import { planEditorFeatures, planEditorMeters } from "@/lib/catalog/plan-editor-data";
import { createPlanAction } from "../actions";

export const metadata: Metadata = { title: "New plan" };

export default async function NewPlanPage() {
  await requireAdmin();
  const [meters, features] = await Promise.all([planEditorMeters(), planEditorFeatures()]);
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/admin/plans" className="text-brand-600 hover:text-brand-700">
          ← Plans
        </Link>
      </p>
      <PageHeader
        title="New plan"
        description="Terms, limits and charges. It is saved as a draft: put it on sale when it is ready. Prices are exact decimals; amounts are rounded once, when a period or call is billed."
      />
      <PlanEditor meters={meters} features={features} action={createPlanAction} />
    </>
  );
}
