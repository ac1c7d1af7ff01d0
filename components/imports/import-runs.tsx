// The import runs, newest first: what each read, its counts by kind, and every item with its
// outcome and reason (open a run to see them). A failed run says why.
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { LocalTime } from "@/components/ui/local-time";
import { Table, Td, Th } from "@/components/ui/table";
import type { ImportRunJson } from "@/lib/imports/schemas";

const SOURCE = { flexprice: "FlexPrice", lago: "Lago" } as const;
const OUTCOME_TONE: Record<ImportRunJson["items"][number]["outcome"], BadgeTone> = {
  create: "green",
  update: "blue",
  unchanged: "gray",
  skipped: "amber",
};
const KIND_LABEL = {
  meter: "Meters",
  plan: "Plans",
  customer: "Customers",
  subscription: "Subscriptions",
  wallet: "Wallets",
} as const;

function CountsLine({ counts }: { counts: NonNullable<ImportRunJson["counts"]> }) {
  const kinds = (Object.keys(KIND_LABEL) as (keyof typeof KIND_LABEL)[]).filter((k) =>
    Object.values(counts[k]).some((n) => n > 0),
  );
  if (!kinds.length) return <span className="text-zinc-500">The source had nothing to import.</span>;
  return (
    <ul className="flex flex-wrap gap-x-4 gap-y-1 text-sm text-zinc-700">
      {kinds.map((k) => {
        const c = counts[k];
        const parts = [
          c.create && `${c.create} new`,
          c.update && `${c.update} updated`,
          c.unchanged && `${c.unchanged} unchanged`,
          c.skipped && `${c.skipped} skipped`,
        ].filter(Boolean);
        return (
          <li key={k}>
            <span className="font-medium text-zinc-900">{KIND_LABEL[k]}</span>: {parts.join(", ")}
          </li>
        );
      })}
    </ul>
  );
}

/** `starters`: who started each run (its started_by label), in words (lib/auth/describe-actors.ts). */
export function ImportRuns({ runs, starters = {} }: { runs: ImportRunJson[]; starters?: Record<string, string> }) {
  if (!runs.length)
    return (
      <Card>
        <EmptyState title="No imports yet">
          Start with a dry run: it lists what an import would create, update or skip, and writes nothing.
        </EmptyState>
      </Card>
    );
  return (
    <ol className="space-y-3" aria-label="Import runs">
      {runs.map((r) => (
        <li key={r.id}>
          <Card aria-label={`${SOURCE[r.source]} import ${r.id}`}>
            <details>
              <summary className="cursor-pointer list-none px-5 py-4">
                <div className="flex flex-wrap items-center gap-2">
                  <span className="text-sm font-semibold text-zinc-900">{SOURCE[r.source]}</span>
                  {r.dry_run && <Badge tone="brand">Dry run</Badge>}
                  <Badge tone={r.status === "succeeded" ? "green" : "red"}>{r.status}</Badge>
                  <span className="text-sm text-zinc-500">
                    <LocalTime value={r.started_at} /> · {starters[r.started_by] ?? r.started_by} ·{" "}
                    <span className="break-all font-mono text-xs">{r.api_url}</span>
                  </span>
                </div>
                <div className="mt-2">
                  {r.counts ? (
                    <CountsLine counts={r.counts} />
                  ) : (
                    <p role="alert" className="text-sm text-red-700">
                      {r.error ?? "The import failed; nothing was written."}
                    </p>
                  )}
                </div>
              </summary>
              {r.items.length > 0 && (
                <div className="border-t border-zinc-100">
                  <Table label={`Items of import ${r.id}`}>
                    <thead className="bg-zinc-50">
                      <tr>
                        <Th>Kind</Th>
                        <Th>Name</Th>
                        <Th>Source id</Th>
                        <Th>Outcome</Th>
                        <Th>Reason</Th>
                        <Th>Tally id</Th>
                      </tr>
                    </thead>
                    <tbody className="divide-y divide-zinc-100">
                      {r.items.map((i) => (
                        <tr key={`${i.kind}:${i.source_id}`}>
                          <Td>{i.kind}</Td>
                          <Td wrap>{i.name}</Td>
                          <Td className="font-mono text-xs">{i.source_id}</Td>
                          <Td>
                            <Badge tone={OUTCOME_TONE[i.outcome]}>{i.outcome}</Badge>
                          </Td>
                          <Td wrap className="min-w-[16rem] text-zinc-600">
                            {i.reason ?? "—"}
                          </Td>
                          <Td className="font-mono text-xs">{i.tally_id ?? "—"}</Td>
                        </tr>
                      ))}
                    </tbody>
                  </Table>
                </div>
              )}
            </details>
          </Card>
        </li>
      ))}
    </ol>
  );
}
