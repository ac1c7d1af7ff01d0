import type { Metadata } from "next";
import Link from "next/link";
import { CreditOverview } from "@/components/credits/credit-overview";
import { CreditPacks } from "@/components/credits/credit-packs";
import { LedgerFilters, LedgerTable, type LedgerFilterValues } from "@/components/credits/ledger-table";
import { SpendChart } from "@/components/credits/spend-chart";
import { SpendTable } from "@/components/credits/spend-table";
import { QueryProvider } from "@/components/providers/query-provider";
import { buttonClass } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { requireCustomer } from "@/lib/auth/session";
import { loadCreditsPage } from "@/lib/credits/credits-page";
import { formatMoney } from "@/lib/money";
import { RedirectButton } from "@/components/billing/redirect-button";
import { checkoutAction } from "../billing/actions";

export const metadata: Metadata = { title: "Credits" };

type Search = { purchase?: string; kind?: string; source?: string; event?: string; operation?: string; reservation?: string; cursor?: string };

export default async function CreditsPage({ searchParams }: { searchParams: Promise<Search> }) {
  const user = await requireCustomer();
  const sp = await searchParams;
  const data = await loadCreditsPage(user.orgId, sp);
  const filters: LedgerFilterValues = { kind: sp.kind, source: sp.source, event: sp.event, operation: sp.operation, reservation: sp.reservation };
  const hrefFor = (f: LedgerFilterValues & { cursor?: string }) => {
    const q = new URLSearchParams(Object.entries(f).filter((e): e is [string, string] => Boolean(e[1])));
    return `/credits${q.size ? `?${q}` : ""}#ledger`;
  };
  return (
    <QueryProvider>
      <PageHeader
        title="Credits"
        description={
          <>
            Spend them over the API with <code className="font-mono text-xs">POST /api/v1/credits/consume</code> — see the{" "}
            <Link href="/docs" className="text-brand-600 hover:text-brand-700">
              API docs
            </Link>
            .
          </>
        }
      />
      {sp.purchase === "success" && (
        <div role="status" className="mb-6 rounded-lg bg-emerald-50 px-4 py-3 text-sm text-emerald-800 ring-1 ring-inset ring-emerald-200">
          Payment received: your credits are in the purchased bucket below.
        </div>
      )}
      <CreditOverview initial={data.balance} series={data.series} />
      <div className="mb-6 grid gap-6 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <CardHeader title="Spending, last 30 days" description="Credits spent per day (UTC), net of refunds." />
          {data.series.some((d) => d.credits !== 0) ? (
            <CardBody>
              <SpendChart series={data.series} />
            </CardBody>
          ) : (
            <EmptyState title="No spending yet">Credits spent over the API show up here, day by day.</EmptyState>
          )}
        </Card>
        <Card>
          <CardHeader title="By day" />
          <CardBody className="max-h-72 overflow-y-auto">
            <SpendTable series={data.series} />
          </CardBody>
        </Card>
      </div>
      <Card className="mb-6">
        <CardHeader title="Credit packs" description="Purchased credits never expire and are spent first." />
        <CreditPacks
          packs={data.packs}
          renderBuyAction={(p) =>
            user.role === "owner" ? (
              <RedirectButton action={checkoutAction} fields={{ credit_product_id: p.id }} label={`Buy for ${formatMoney(p.priceCents, p.currency)}`} variant="primary" />
            ) : (
              <p className="text-xs text-zinc-500">Only the organization&apos;s owner can buy credits.</p>
            )
          }
        />
      </Card>
      <Card id="ledger">
        <CardHeader title="Ledger" description="Every movement of your credits, newest first. Each spend names its credit event, reference (call) or reservation." />
        <LedgerFilters action="/credits" values={filters} events={data.events} />
        <LedgerTable rows={data.ledger.data} hrefFor={hrefFor} />
        {(data.ledger.nextCursor || sp.cursor) && (
          <div className="flex justify-end gap-2 border-t border-zinc-100 px-5 py-3">
            {sp.cursor && (
              <Link className={buttonClass("secondary", "sm")} href={hrefFor(filters)}>
                Newest
              </Link>
            )}
            {data.ledger.nextCursor && (
              <Link className={buttonClass("secondary", "sm")} href={hrefFor({ ...filters, cursor: data.ledger.nextCursor })}>
                Older
              </Link>
            )}
          </div>
        )}
      </Card>
    </QueryProvider>
  );
}
