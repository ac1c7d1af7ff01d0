import type { Metadata } from "next";
import { ImportForm } from "@/components/imports/import-form";
import { ImportRuns } from "@/components/imports/import-runs";
import { ActionButton } from "@/components/ui/action-button";
import { Card, CardHeader } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import { PageHeader } from "@/components/ui/page-header";
import { describeActors } from "@/lib/auth/describe-actors";
import { requireAdmin } from "@/lib/auth/session";
import { importRunJson, listImports } from "@/lib/imports/run-import";
import { listSchedules, scheduleJson } from "@/lib/imports/schedule";
import { runImportAction, stopScheduleAction } from "./actions";

export const metadata: Metadata = { title: "Imports" };

export default async function ImportsPage() {
  await requireAdmin();
  const [runs, schedules] = await Promise.all([listImports(), listSchedules()]);
  const starters = Object.fromEntries(await describeActors(runs.map((r) => r.actor)));
  return (
    <>
      <PageHeader
        title="Imports"
        description="Move in from FlexPrice or Lago: meters, plans and prices, customers, subscriptions and wallets, read from the account's API. Running again updates what changed and duplicates nothing. See docs/imports.md for what maps to what."
      />
      <Card className="mb-6">
        <CardHeader
          title="Start an import"
          description="Tally requests the URL you give from the server: only admins can start imports."
        />
        <ImportForm action={runImportAction} />
      </Card>
      {schedules.length > 0 && (
        <Card className="mb-6" aria-label="Scheduled syncs">
          <CardHeader title="Scheduled syncs" description="Run again by the import-schedule job with the stored key." />
          <ul className="divide-y divide-zinc-100 text-sm">
            {schedules.map(scheduleJson).map((s) => (
              <li key={s.source} className="flex flex-wrap gap-x-4 px-5 py-3 text-zinc-700">
                <span className="font-medium text-zinc-900">{s.source === "lago" ? "Lago" : "FlexPrice"}</span>
                <span>every {s.every_hours} h</span>
                <span className="break-all font-mono text-xs">{s.api_url}</span>
                <span>
                  next <LocalTime value={s.next_run_at} />
                </span>
                <span className="ml-auto">
                  <ActionButton
                    action={stopScheduleAction}
                    fields={{ source: s.source }}
                    label="Stop"
                    size="sm"
                    ariaLabel={`Stop the ${s.source === "lago" ? "Lago" : "FlexPrice"} sync`}
                    confirm={{
                      title: "Stop this sync?",
                      body: "No more scheduled imports from this source; the stored key is deleted. Imported rows stay.",
                      confirmLabel: "Stop sync",
                    }}
                  />
                </span>
              </li>
            ))}
          </ul>
        </Card>
      )}
      <h2 className="mb-3 text-sm font-semibold text-zinc-900">Runs</h2>
      <ImportRuns runs={runs.map(importRunJson)} starters={starters} />
    </>
  );
}
