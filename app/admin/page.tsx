import type { Metadata } from "next";
import Link from "next/link";
import { CustomersTable } from "@/components/admin/customers-table";
import { buttonClass } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { inputClass } from "@/components/ui/field";
import { PageHeader } from "@/components/ui/page-header";
import { Stat } from "@/components/ui/stat";
import { requireAdmin } from "@/lib/auth/session";
import { formatInteger } from "@/lib/format";
import { listCustomersWithPlans } from "@/lib/orgs/admin-customers";
import { countOrganizations } from "@/lib/orgs/count";
import { subscriptionCounts } from "@/lib/subscriptions/queries";
import { countAgentsWithoutPlan } from "@/lib/agents/agents";
import { countCallsWithoutCost } from "@/lib/agents/stats";
import { countOrganizationsWithoutProviderId } from "@/lib/orgs/count";
import { stripeConfigured } from "@/lib/stripe/client";

export const metadata: Metadata = { title: "Admin" };

export default async function AdminHome({ searchParams }: { searchParams: Promise<{ q?: string; cursor?: string }> }) {
  await requireAdmin();
  const { q, cursor } = await searchParams;
  const search = q?.trim() || undefined;
  const [total, counts, page, noProvider, noPlan, noCost] = await Promise.all([countOrganizations(), subscriptionCounts(), listCustomersWithPlans({ limit: 25, cursor, search }), countOrganizationsWithoutProviderId(), countAgentsWithoutPlan(), countCallsWithoutCost()]);
  const attention = [
    stripeConfigured() && noProvider && `${formatInteger(noProvider)} customer${noProvider === 1 ? "" : "s"} without a payment-provider customer`,
    noPlan && `${formatInteger(noPlan)} agent${noPlan === 1 ? "" : "s"} without a plan`,
    noCost && `${formatInteger(noCost)} call${noCost === 1 ? "" : "s"} without a cost`,
  ].filter(Boolean);
  return (
    <>
      <PageHeader title="Platform overview" description="Every customer of this Tally installation, with the plan they are on." />
      <div className="mb-6 grid grid-cols-2 gap-4 lg:grid-cols-4">
        <Stat label="Customers" value={formatInteger(total)} />
        <Stat label="Active subscriptions" value={formatInteger(counts.active)} />
        <Stat label="Trialing" value={formatInteger(counts.trialing)} />
        <Stat label="Past due" value={formatInteger(counts.past_due)} tone={counts.past_due > 0 ? "warn" : "default"} />
      </div>
      {attention.length > 0 && (
        <div role="status" className="mb-6 flex flex-wrap items-center justify-between gap-2 rounded-lg bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-inset ring-amber-200">
          <span>Needs attention: {attention.join(" · ")}.</span>
          <Link href="/admin/monitoring" className="font-medium text-amber-900 underline">
            Review
          </Link>
        </div>
      )}
      <Card>
        <CardHeader
          title="Customers"
          action={
            <form className="flex gap-2" role="search">
              <label htmlFor="customer-search" className="sr-only">
                Search customers
              </label>
              <input id="customer-search" name="q" defaultValue={search} placeholder="Name, email or external id" className={`${inputClass} w-64`} />
              <button type="submit" className={buttonClass("secondary")}>
                Search
              </button>
            </form>
          }
        />
        <CustomersTable rows={page.rows} search={search} />
        {(page.nextCursor || cursor) && (
          <div className="flex justify-end gap-2 border-t border-zinc-100 px-5 py-3">
            {cursor && (
              <Link className={buttonClass("secondary", "sm")} href={`/admin${search ? `?q=${encodeURIComponent(search)}` : ""}`}>
                First page
              </Link>
            )}
            {page.nextCursor && (
              <Link className={buttonClass("secondary", "sm")} href={`/admin?${new URLSearchParams({ ...(search ? { q: search } : {}), cursor: page.nextCursor })}`}>
                Next page
              </Link>
            )}
          </div>
        )}
      </Card>
    </>
  );
}
