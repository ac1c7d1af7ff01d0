import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { LocalTime } from "@/components/ui/local-time";
import { Table, Td, Th } from "@/components/ui/table";
import { formatInteger, formatMoney } from "@/lib/format";

export type AgentRow = {
  id: string;
  name: string;
  description: string;
  plan: { name: string; version: number } | null;
  calls: number;
  unpriced: number;
  costCents: number;
  currency: string | null;
  lastCallAt: Date | null;
};

export function AgentsTable({
  rows,
  hrefBase,
  emptyHint,
}: {
  rows: AgentRow[];
  hrefBase: string;
  emptyHint: React.ReactNode;
}) {
  if (rows.length === 0) return <EmptyState title="No agents yet">{emptyHint}</EmptyState>;
  return (
    <Table>
      <thead>
        <tr>
          <Th>Agent</Th>
          <Th>Plan</Th>
          <Th align="right">Calls</Th>
          <Th align="right">Call usage cost</Th>
          <Th>Last call</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100">
        {rows.map((a) => (
          <tr key={a.id} className="hover:bg-zinc-50">
            <Td>
              <Link href={`${hrefBase}/${a.id}`} className="font-medium text-zinc-900 hover:text-brand-700">
                {a.name}
              </Link>
              {a.description && <div className="max-w-xs truncate text-xs text-zinc-500">{a.description}</div>}
            </Td>
            <Td>{a.plan ? `${a.plan.name} v${a.plan.version}` : <Badge tone="amber">No plan</Badge>}</Td>
            <Td align="right">
              {formatInteger(a.calls)}
              {a.unpriced > 0 && <div className="text-xs text-amber-700">{formatInteger(a.unpriced)} without cost</div>}
            </Td>
            <Td align="right">{a.currency ? formatMoney(a.costCents, a.currency) : "—"}</Td>
            <Td>
              {a.lastCallAt ? (
                <LocalTime value={a.lastCallAt} mode="relative" />
              ) : (
                <span className="text-zinc-500">never</span>
              )}
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
