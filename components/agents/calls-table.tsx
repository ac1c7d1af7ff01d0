import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { LocalTime } from "@/components/ui/local-time";
import { Table, Td, Th } from "@/components/ui/table";
import { formatQuantity } from "@/lib/format";
import { formatMoney } from "@/lib/money";

export type CallRow = { id: string; startedAt: Date; status: string; planName: string | null; planVersion: number | null; usageMetrics: Record<string, string> | null; costCents: number | null; costExact: string | null; currency: string | null };

export function CallsTable({ rows }: { rows: CallRow[] }) {
  if (rows.length === 0) return <EmptyState title="No calls yet">Calls appear here once your backend starts them with POST /api/v1/calls.</EmptyState>;
  return (
    <Table>
      <thead>
        <tr>
          <Th>Started</Th>
          <Th>Plan at start</Th>
          <Th>Usage</Th>
          <Th align="right">Cost</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100">
        {rows.map((c) => (
          <tr key={c.id}>
            <Td>
              <LocalTime value={c.startedAt} />
              <div className="font-mono text-xs text-zinc-400">{c.id}</div>
            </Td>
            <Td>{c.planName ? `${c.planName} v${c.planVersion}` : <Badge tone="amber">No plan</Badge>}</Td>
            <Td wrap className="text-xs">{c.usageMetrics ? Object.entries(c.usageMetrics).map(([k, v]) => <div key={k}>{k}: {formatQuantity(v)}</div>) : <span className="text-zinc-400">in progress</span>}</Td>
            <Td align="right">
              {c.costCents !== null && c.currency ? (
                <span title={`exact: ${c.costExact}`} data-testid="call-cost">
                  {formatMoney(c.costCents, c.currency)}
                </span>
              ) : (
                <Badge tone={c.status === "finalized" ? "red" : "gray"}>{c.status === "finalized" ? "no cost" : "not finalized"}</Badge>
              )}
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
