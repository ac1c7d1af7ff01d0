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

/** What a bucket is for, as a person reads it: its reason (a pack's name, a plan's month, a grant's why). */
export function bucketName(b: Pick<BucketRow, "origin" | "reason">): string {
  return b.reason?.trim() || (ORIGIN[b.origin] ?? b.origin);
}

/**
 * Buckets with credits, in the order they are spent; spent and expired ones after them. Each is named
 * for a person; an `operator` (the admin's view) also sees the bucket's key, muted, to trace it.
 */
export function BucketsTable({
  buckets,
  emptyHint,
  operator = false,
}: {
  buckets: BucketRow[];
  emptyHint?: React.ReactNode;
  operator?: boolean;
}) {
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
          <Th>For</Th>
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
              <Td className="min-w-48 max-w-sm" wrap>
                <div className="break-words text-zinc-900" data-testid="bucket-name">
                  {bucketName(b)}
                </div>
                {b.reason && <div className="text-xs text-zinc-500">{ORIGIN[b.origin] ?? b.origin}</div>}
                {operator && (
                  <div className="break-all font-mono text-xs text-zinc-500" data-testid="bucket-key">
                    {b.reference ? `${b.id} · ${b.reference}` : b.id}
                  </div>
                )}
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
