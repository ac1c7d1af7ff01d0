import type { Metadata } from "next";
import Link from "next/link";
import { PlanEditor } from "@/components/catalog/plan-editor";
import { PageHeader } from "@/components/ui/page-header";
import { requireAdmin } from "@/lib/auth/session";
import { listMeters } from "@/lib/catalog/meters";
import { createPlanAction } from "../actions";

export const metadata: Metadata = { title: "New plan" };

export default async function NewPlanPage() {
  await requireAdmin();
  const meters = await listMeters();
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/admin/plans" className="text-brand-600 hover:text-brand-700">
          ← Plans
        </Link>
      </p>
      <PageHeader
        title="New plan"
        description="Terms, limits and charges. Prices are exact decimals; amounts are rounded once, when a period or call is billed."
      />
      <PlanEditor
        meters={meters.map((m) => ({ code: m.code, name: m.name, unit: m.unit, groupBy: m.groupBy }))}
        action={createPlanAction}
      />
    </>
  );
}
