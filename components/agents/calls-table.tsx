import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { LocalTime } from "@/components/ui/local-time";
import { Table, Td, Th } from "@/components/ui/table";
import { formatMoney, formatQuantity } from "@/lib/format";
import { splitCallCost } from "@/lib/agents/call-cost-split";
import type { RatedLine } from "@/lib/rating/types";

export type CallRow = {
  id: string;
  startedAt: Date;
  status: string;
  planName: string | null;
  planVersion: number | null;
  usageMetrics: Record<string, string> | null;
  costCents: number | null;
  costExact: string | null;
  currency: string | null;
  costLines?: Pick<RatedLine, "type" | "amount">[] | null;
};

export function CallsTable({ rows }: { rows: CallRow[] }) {
  if (rows.length === 0)
    return (
      <EmptyState title="No calls yet">
        Calls appear here once your backend starts them with POST /api/v1/calls.
      </EmptyState>
    );
  return (
    <Table>
      <thead>
        <tr>
          <Th>Started</Th>
          <Th>Plan at start</Th>
          <Th>Usage</Th>
          <Th align="right">Usage cost</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100">
        {rows.map((c) => (
          <tr key={c.id}>
            <Td>
              <LocalTime value={c.startedAt} />
              <div className="font-mono text-xs text-zinc-500">{c.id}</div>
            </Td>
            <Td>{c.planName ? `${c.planName} v${c.planVersion}` : <Badge tone="amber">No plan</Badge>}</Td>
            <Td wrap className="text-xs">
              {c.usageMetrics ? (
                Object.entries(c.usageMetrics).map(([k, v]) => (
                  <div key={k}>
                    {k}: {formatQuantity(v)}
                  </div>
                ))
              ) : (
                <span className="text-zinc-500">in progress</span>
              )}
            </Td>
            <Td align="right">
              {c.costCents !== null && c.currency ? (
                <CallCost cents={c.costCents} exact={c.costExact} currency={c.currency} lines={c.costLines} />
              ) : (
                <Badge tone={c.status === "finalized" ? "red" : "gray"}>
                  {c.status === "finalized" ? "no cost" : "not finalized"}
                </Badge>
              )}
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

/** The call's usage part; a plan's fixed charges are billed once per agent per period, so they are named, not added. */
function CallCost({
  cents,
  exact,
  currency,
  lines,
}: {
  cents: number;
  exact: string | null;
  currency: string;
  lines?: Pick<RatedLine, "type" | "amount">[] | null;
}) {
  const split = lines ? splitCallCost(lines, currency) : null;
  return (
    <>
      <span title={`exact: ${split ? split.usageExact : exact}`} data-testid="call-cost">
        {formatMoney(split ? split.usageCents : cents, currency)}
      </span>
      {split && split.fixedCents > 0 && (
        <div className="text-xs text-zinc-500">
          plan fee {formatMoney(split.fixedCents, currency)} billed once a period
        </div>
      )}
    </>
  );
}
