import type { Metadata } from "next";
import Link from "next/link";
import { QueryProvider } from "@/components/providers/query-provider";
import { TierChart } from "@/components/revenue/charts";
import { CustomersTable } from "@/components/revenue/customers-table";
import { Pager } from "@/components/revenue/sort-header";
import { StatsCards } from "@/components/revenue/stats-cards";
import { TierTable } from "@/components/revenue/tier-table";
import { buttonClass } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { inputClass } from "@/components/ui/field";
import { PageHeader } from "@/components/ui/page-header";
import { countAgentsWithoutPlan } from "@/lib/agents/agents";
import { countCallsWithoutCost } from "@/lib/agents/stats";
import { requireAdmin } from "@/lib/auth/session";
import { formatInteger } from "@/lib/format";
import { countOrganizationsWithoutProviderId } from "@/lib/orgs/count";
import { listCustomers } from "@/lib/revenue/lists";
import { ZCustomerListQuery } from "@/lib/revenue/schemas";
import { billingStats, billingStatsJson } from "@/lib/revenue/stats";
import { stripeConfigured } from "@/lib/stripe/client";

export const metadata: Metadata = { title: "Admin" };

type Search = { q?: string; cursor?: string; sort?: string; order?: string; status?: string };

export default async function AdminHome({ searchParams }: { searchParams: Promise<Search> }) {
  await requireAdmin();
  const sp = await searchParams;
  // Unknown filter values from a hand-edited URL fall back to the defaults instead of failing the page.
  const parsed = ZCustomerListQuery.safeParse({
    search: sp.q,
    cursor: sp.cursor,
    // The page lists the newest customers first, by when they became customers (the API's default is "created").
    sort: sp.sort ?? "customer_since",
    order: sp.order,
    status: sp.status,
    limit: 25,
  });
  const query = parsed.success ? parsed.data : ZCustomerListQuery.parse({ limit: 25, sort: "customer_since" });
  const [stats, page, noProvider, noPlan, noCost] = await Promise.all([
    billingStats(),
    listCustomers(query),
    countOrganizationsWithoutProviderId(),
    countAgentsWithoutPlan(),
    countCallsWithoutCost(),
  ]);
  const s = billingStatsJson(stats);
  const attention = [
    stripeConfigured() &&
      noProvider &&
      `${formatInteger(noProvider)} customer${noProvider === 1 ? "" : "s"} without a payment-provider customer`,
    noPlan && `${formatInteger(noPlan)} agent${noPlan === 1 ? "" : "s"} without a plan`,
    noCost && `${formatInteger(noCost)} call${noCost === 1 ? "" : "s"} without a cost`,
  ].filter(Boolean);
  const order = query.order ?? (query.sort === "name" ? "asc" : "desc");
  const href = (over: Partial<Record<"q" | "sort" | "order" | "status" | "cursor", string | undefined>>) => {
    const params = new URLSearchParams(
      Object.entries({
        q: query.search,
        sort: query.sort === "customer_since" ? undefined : query.sort,
        order: query.order,
        status: query.status,
        ...over,
      }).filter((e): e is [string, string] => Boolean(e[1])),
    );
    return `/admin${params.size ? `?${params}` : ""}`;
  };
  return (
    <QueryProvider>
      <PageHeader
        title="Platform overview"
        description="Every customer of this Tally installation, with the plan they are on and what they bring in."
        actions={
          <>
            <Link href="/admin/revenue" className={buttonClass("secondary")}>
              Revenue over time
            </Link>
            <a href="/api/v1/admin/export/customers.csv" className={buttonClass("secondary")} download>
              Export customers (CSV)
            </a>
          </>
        }
      />
      <StatsCards initial={s} />
      {attention.length > 0 && (
        <div
          role="status"
          className="mb-6 flex flex-wrap items-center justify-between gap-2 rounded-lg bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-inset ring-amber-200"
        >
          <span>Needs attention: {attention.join(" · ")}.</span>
          <Link href="/admin/monitoring" className="font-medium text-amber-900 underline">
            Review
          </Link>
        </div>
      )}
      <Card className="mb-6">
        <CardHeader
          title="MRR by tier"
          description="Live subscriptions per plan tier (monthly and yearly plans together) and the MRR they bring."
        />
        <div className="grid grid-cols-1 gap-4 2xl:grid-cols-5">
          {s.tiers.length > 0 && (
            <CardBody className="2xl:col-span-2">
              <TierChart tiers={s.tiers} currency={s.currency} />
            </CardBody>
          )}
          <div className={s.tiers.length > 0 ? "2xl:col-span-3" : "2xl:col-span-5"}>
            <TierTable tiers={s.tiers} currency={s.currency} />
          </div>
        </div>
      </Card>
      <Card>
        <CardHeader
          title="Customers"
          description="Sort by a column; each row opens the customer's history, invoices, payments, credits and usage."
        />
        <form className="flex flex-wrap items-center gap-2 border-b border-zinc-100 px-5 py-3" role="search">
          <div className="w-72">
            <label htmlFor="customer-search" className="sr-only">
              Search customers
            </label>
            <input
              id="customer-search"
              name="q"
              defaultValue={query.search}
              placeholder="Name, email or external id"
              className={inputClass}
            />
          </div>
          <div className="w-44">
            <label htmlFor="customer-status" className="sr-only">
              Status
            </label>
            <select id="customer-status" name="status" defaultValue={query.status ?? ""} className={inputClass}>
              <option value="">Any status</option>
              <option value="active">Active</option>
              <option value="trialing">Trialing</option>
              <option value="past_due">Past due</option>
              <option value="canceled">Canceled</option>
              <option value="none">No subscription</option>
            </select>
          </div>
          {query.sort !== "customer_since" && <input type="hidden" name="sort" value={query.sort} />}
          {query.order && <input type="hidden" name="order" value={query.order} />}
          <button type="submit" className={buttonClass("secondary")}>
            Search
          </button>
        </form>
        <CustomersTable
          rows={page.rows}
          search={query.search}
          filtered={Boolean(query.status)}
          currency={s.currency}
          sorting={{
            sort: query.sort,
            order,
            href: (sort, o) =>
              href({ sort: sort === "customer_since" && o === "desc" ? undefined : sort, order: o, cursor: undefined }),
          }}
        />
        <Pager
          first={query.cursor ? href({ cursor: undefined }) : null}
          next={page.nextCursor ? href({ cursor: page.nextCursor }) : null}
        />
      </Card>
    </QueryProvider>
  );
}
