import type { Metadata } from "next";
import Link from "next/link";
import { buttonClass } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { inputClass } from "@/components/ui/field";
import { LocalTime } from "@/components/ui/local-time";
import { PageHeader } from "@/components/ui/page-header";
import { Stat } from "@/components/ui/stat";
import { Table, Td, Th } from "@/components/ui/table";
import { requireAdmin } from "@/lib/auth/session";
import { creditTotals, listCreditAccounts } from "@/lib/credits/admin-accounts";
import { formatInteger } from "@/lib/format";

export const metadata: Metadata = { title: "Credits" };

export default async function AdminCreditsPage({
  searchParams,
}: {
  searchParams: Promise<{ q?: string; cursor?: string }>;
}) {
  await requireAdmin();
  const { q, cursor } = await searchParams;
  const search = q?.trim() || undefined;
  const [totals, page] = await Promise.all([creditTotals(), listCreditAccounts({ limit: 25, cursor, search })]);
  return (
    <>
      <PageHeader
        title="Credits"
        description="Every customer's balance. Open one to see its ledger, grant or adjust credits, or change its settings."
      />
      <div className="mb-6 grid grid-cols-2 gap-4 lg:grid-cols-4">
        <Stat label="Spendable, all customers" value={formatInteger(totals.balance)} />
        <Stat label="Held" value={formatInteger(totals.held)} />
        <Stat
          label="Overage outstanding"
          value={formatInteger(totals.overage)}
          tone={totals.overage > 0 ? "warn" : "default"}
        />
        <Stat label="Customers with credits" value={formatInteger(totals.accounts)} />
      </div>
      <Card>
        <CardHeader
          title="Customers"
          action={
            <form className="flex gap-2" role="search">
              <label htmlFor="credit-search" className="sr-only">
                Search customers
              </label>
              <input
                id="credit-search"
                name="q"
                defaultValue={search}
                placeholder="Name, email or external id"
                className={`${inputClass} w-64`}
              />
              <button type="submit" className={buttonClass("secondary")}>
                Search
              </button>
            </form>
          }
        />
        {page.rows.length === 0 ? (
          <EmptyState title={search ? `No customer matches “${search}”` : "No customers yet"} />
        ) : (
          <Table>
            <thead>
              <tr>
                <Th>Customer</Th>
                <Th align="right">Balance</Th>
                <Th align="right">Held</Th>
                <Th align="right">Overage</Th>
                <Th>Last movement</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {page.rows.map((r) => (
                <tr key={r.id} className="hover:bg-zinc-50">
                  <Td>
                    <Link
                      href={`/admin/customers/${r.id}/credits`}
                      className="font-medium text-zinc-900 hover:text-brand-700"
                    >
                      {r.name}
                    </Link>
                    <div className="text-xs text-zinc-500">{r.externalId ?? r.id}</div>
                  </Td>
                  <Td align="right" className={r.balance < 0 ? "text-red-700" : undefined}>
                    {formatInteger(r.balance)}
                  </Td>
                  <Td align="right">{formatInteger(r.held)}</Td>
                  <Td align="right" className={r.overage > 0 ? "text-red-700" : undefined}>
                    {formatInteger(r.overage)}
                  </Td>
                  <Td>
                    {r.lastMovementAt ? (
                      <LocalTime value={r.lastMovementAt} mode="relative" />
                    ) : (
                      <span className="text-zinc-500">none</span>
                    )}
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
        {(page.nextCursor || cursor) && (
          <div className="flex justify-end gap-2 border-t border-zinc-100 px-5 py-3">
            {cursor && (
              <Link
                className={buttonClass("secondary", "sm")}
                href={`/admin/credits${search ? `?q=${encodeURIComponent(search)}` : ""}`}
              >
                First page
              </Link>
            )}
            {page.nextCursor && (
              <Link
                className={buttonClass("secondary", "sm")}
                href={`/admin/credits?${new URLSearchParams({ ...(search ? { q: search } : {}), cursor: page.nextCursor })}`}
              >
                Next page
              </Link>
            )}
          </div>
        )}
      </Card>
    </>
  );
}
