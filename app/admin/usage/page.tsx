import type { Metadata } from "next";
import { IngestLogTable } from "@/components/usage/admin-ingest";
import { PageHeader } from "@/components/ui/page-header";
import { Stat } from "@/components/ui/stat";
import { requireAdmin } from "@/lib/auth/session";
import { formatInteger } from "@/lib/format";
import { loadIngestOverview } from "@/lib/metering/usage-page";

export const metadata: Metadata = { title: "Usage ingestion" };

export default async function AdminUsagePage() {
  await requireAdmin();
  const { problems, counts, generated } = await loadIngestOverview();
  return (
    <>
      <PageHeader
        title="Usage ingestion"
        description="Events that were not stored, across every customer — including those naming a customer Tally does not know. Each customer’s page shows its usage and raw events."
      />
      <div className="mb-6 grid grid-cols-1 gap-4 sm:grid-cols-3">
        <Stat
          label="Rejected, last 7 days"
          value={formatInteger(counts.rejected)}
          tone={counts.rejected > 0 ? "warn" : "default"}
        />
        <Stat
          label="Duplicates, last 7 days"
          value={formatInteger(counts.duplicate)}
          hint="Retries and replays, counted once."
        />
        <Stat
          label="Events without an id, last 30 days"
          value={formatInteger(generated)}
          tone={generated > 0 ? "warn" : "default"}
          hint="Cannot be deduplicated: a retry counts twice."
        />
      </div>
      <IngestLogTable entries={problems} showCustomer />
    </>
  );
}
