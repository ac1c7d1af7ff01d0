import { EmptyState } from "@/components/ui/empty-state";
import { LocalTime } from "@/components/ui/local-time";
import { Table, Td, Th } from "@/components/ui/table";
import type { CreditBalanceJson } from "@/lib/credits/schemas";
import { formatInteger } from "@/lib/format";
import { SourceBadge } from "./source-badge";

/** A bucket of GET /api/v1/credits (the fields the table shows). */
export type BucketRow = Omit<CreditBalanceJson["buckets"][number], "priority">;

const ORIGIN: Record<string, string> = {
  purchase: "Purchase",
  allocation: "Plan allocation",
  admin: "Granted",
  adjustment: "Adjustment",
};

/** Buckets with credits, in the order they are spent; spent and expired ones after them. */
export function BucketsTable({ buckets, emptyHint }: { buckets: BucketRow[]; emptyHint?: React.ReactNode }) {
  if (buckets.length === 0) {
    return (
      <EmptyState title="No credits yet">
        {emptyHint ?? "Credits appear here when your plan grants them or you buy a pack."}
      </EmptyState>
    );
  }
  let order = 0;
  return (
    <Table>
      <thead>
        <tr>
          <Th>Spent</Th>
          <Th>Source</Th>
          <Th>From</Th>
          <Th align="right">Remaining</Th>
          <Th align="right">Granted</Th>
          <Th>Expires</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100">
        {buckets.map((b) => {
          const live = b.remaining > 0;
          const pct = b.amount > 0 ? Math.round((b.remaining / b.amount) * 100) : 0;
          return (
            <tr
              key={b.id}
              data-testid={`bucket-${b.id}`}
              data-source={b.source}
              className={live ? undefined : "text-zinc-500"}
            >
              <Td className="tabular text-xs text-zinc-500">
                {live ? (++order === 1 ? "next" : `${order}.`) : b.expired_at ? "expired" : "spent"}
              </Td>
              <Td>
                <SourceBadge source={b.source} />
              </Td>
              <Td>
                <div className="text-zinc-900">{ORIGIN[b.origin] ?? b.origin}</div>
                <div className="max-w-56 truncate font-mono text-xs text-zinc-500" title={b.reference ?? b.id}>
                  {b.reference ?? b.id}
                </div>
              </Td>
              <Td align="right">
                <span data-testid="bucket-remaining" className="font-medium text-zinc-900">
                  {formatInteger(b.remaining)}
                </span>
                <div className="ml-auto mt-1 h-1.5 w-24 overflow-hidden rounded-full bg-zinc-100" aria-hidden>
                  <div className="h-full rounded-full bg-brand-500" style={{ width: `${pct}%` }} />
                </div>
              </Td>
              <Td align="right">{formatInteger(b.amount)}</Td>
              <Td>
                {b.expires_at ? (
                  <LocalTime value={b.expires_at} mode="date" />
                ) : (
                  <span className="text-zinc-500">never</span>
                )}
              </Td>
            </tr>
          );
        })}
      </tbody>
    </Table>
  );
}
