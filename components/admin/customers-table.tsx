import Link from "next/link";
import { StatusBadge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, Td, Th } from "@/components/ui/table";
import { formatDate } from "@/lib/format";
import { formatMoney } from "@/lib/money";

export type CustomerRow = {
  id: string;
  name: string;
  externalId: string | null;
  email: string | null;
  createdAt: Date;
  plan: { name: string; interval: string; basePriceCents: number; currency: string } | null;
  status: string | null;
};

export function CustomersTable({ rows, search }: { rows: CustomerRow[]; search?: string }) {
  if (rows.length === 0) {
    return <EmptyState title={search ? `No customer matches “${search}”` : "No customers yet"}>{search ? "Try a name, an email or an external id." : "Customers appear here when they sign up or are created over the API."}</EmptyState>;
  }
  return (
    <Table>
      <thead>
        <tr>
          <Th>Customer</Th>
          <Th>Plan</Th>
          <Th>Status</Th>
          <Th align="right">Price</Th>
          <Th>Since</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100">
        {rows.map((c) => (
          <tr key={c.id} className="hover:bg-zinc-50">
            <Td>
              <Link href={`/admin/customers/${c.id}`} className="font-medium text-zinc-900 hover:text-brand-700">
                {c.name}
              </Link>
              <div className="text-xs text-zinc-500">{c.externalId ?? c.email ?? c.id}</div>
            </Td>
            <Td>{c.plan ? `${c.plan.name} (${c.plan.interval === "year" ? "yearly" : "monthly"})` : <span className="text-zinc-400">No plan</span>}</Td>
            <Td>
              <StatusBadge status={c.status ?? "none"} />
            </Td>
            <Td align="right">{c.plan ? formatMoney(c.plan.basePriceCents, c.plan.currency) : "—"}</Td>
            <Td>{formatDate(c.createdAt)}</Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
