import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { IngestLogTable, RawEventsTable } from "@/components/usage/admin-ingest";
import { UsageView } from "@/components/usage/usage-view";
import { PageHeader } from "@/components/ui/page-header";
import { requireAdmin } from "@/lib/auth/session";
import { loadUsagePage } from "@/lib/metering/usage-page";
import { findOrganization } from "@/lib/orgs/organizations";
import { UsageCorrections } from "@/components/usage/usage-corrections";
import { describeActors } from "@/lib/auth/describe-actors";
import { listCorrections } from "@/lib/metering/corrections";
import { acknowledgeCustomerAlert, previewCustomerUsageCorrection, retractCustomerUsage } from "./actions";

export const metadata: Metadata = { title: "Customer usage" };

export default async function AdminCustomerUsagePage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ meter?: string; window?: string; range?: string }>;
}) {
  await requireAdmin();
  const { id } = await params;
  const org = await findOrganization({ id });
  if (!org) notFound();
  const [data, corrections] = await Promise.all([
    loadUsagePage(org, await searchParams, { admin: true }),
    listCorrections(org.id, { limit: 20 }),
  ]);
  const requesters = Object.fromEntries(await describeActors(corrections.data.map((c) => c.requested_by)));
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href={`/admin/customers/${org.id}`} className="text-brand-600 hover:text-brand-700">
          ← {org.name}
        </Link>
      </p>
      <PageHeader
        title={`${org.name}: usage`}
        description={`${org.externalId ? `external id ${org.externalId} · ` : ""}what the customer sees, plus the raw events, why any were not stored, and corrections of usage sent wrong.`}
      />
      <div className="space-y-6">
        <UsageView data={data} acknowledge={acknowledgeCustomerAlert} admin />
        <RawEventsTable events={data.admin!.events} generatedCount={data.admin!.generatedIdEvents30d} />
        <IngestLogTable entries={data.admin!.log} counts={data.admin!.logCounts7d} />
        <UsageCorrections
          orgId={org.id}
          corrections={corrections.data}
          action={retractCustomerUsage}
          preview={previewCustomerUsageCorrection}
          requesters={requesters}
        />
      </div>
    </>
  );
}
