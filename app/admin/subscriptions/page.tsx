import type { Metadata } from "next";
import Link from "next/link";
import { Pager } from "@/components/revenue/sort-header";
import { SubscriptionsTable } from "@/components/revenue/subscriptions-table";
import { buttonClass } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { inputClass } from "@/components/ui/field";
import { PageHeader } from "@/components/ui/page-header";
import { requireAdmin } from "@/lib/auth/session";
import { listSubscriptionsForAdmin } from "@/lib/revenue/lists";
import { ZSubscriptionListQuery } from "@/lib/revenue/schemas";

export const metadata: Metadata = { title: "Subscriptions" };

const TABS = [
  { status: undefined, label: "All" },
  { status: "live", label: "Live" },
  { status: "active", label: "Active" },
  { status: "trialing", label: "Trialing" },
  { status: "past_due", label: "Past due" },
  { status: "canceled", label: "Canceled" },
] as const;

type Search = { status?: string; q?: string; sort?: string; order?: string; cursor?: string };

export default async function AdminSubscriptionsPage({ searchParams }: { searchParams: Promise<Search> }) {
  await requireAdmin();
  const sp = await searchParams;
  const parsed = ZSubscriptionListQuery.safeParse({
    status: sp.status || undefined,
    search: sp.q,
    sort: sp.sort,
    order: sp.order,
    cursor: sp.cursor,
    limit: 50,
  });
  const query = parsed.success ? parsed.data : ZSubscriptionListQuery.parse({ limit: 50 });
  const page = await listSubscriptionsForAdmin(query);
  const order = query.order ?? (query.sort === "customer" || query.sort === "period_end" ? "asc" : "desc");
  const href = (over: Partial<Record<"status" | "q" | "sort" | "order" | "cursor", string | undefined>>) => {
    const params = new URLSearchParams(
      Object.entries({
        status: query.status,
        q: query.search,
        sort: query.sort === "created" ? undefined : query.sort,
        order: query.order,
        ...over,
      }).filter((e): e is [string, string] => Boolean(e[1])),
    );
    return `/admin/subscriptions${params.size ? `?${params}` : ""}`;
  };
  const tabLabel = TABS.find((t) => t.status === query.status)?.label ?? "All";
  return (
    <>
      <PageHeader
        title="Subscriptions"
        description="Every subscription with its plan, status and MRR. Open a customer for its history, invoices and payments."
        actions={
          <a href="/api/v1/admin/export/subscriptions.csv" className={buttonClass("secondary")} download>
            Export subscriptions (CSV)
          </a>
        }
      />
      <nav aria-label="Status" className="mb-4 flex flex-wrap gap-1">
        {TABS.map((t) => (
          <Link
            key={t.label}
            href={href({ status: t.status, cursor: undefined })}
            aria-current={t.status === query.status ? "page" : undefined}
            className={cn(
              "rounded-md px-3 py-1.5 text-sm font-medium",
              t.status === query.status ? "bg-brand-50 text-brand-700" : "text-zinc-600 hover:bg-zinc-100",
            )}
          >
            {t.label}
          </Link>
        ))}
      </nav>
      <Card>
        <CardHeader
          title={`${tabLabel} subscriptions`}
          action={
            <form className="flex gap-2" role="search">
              {query.status && <input type="hidden" name="status" value={query.status} />}
              <label htmlFor="subscription-search" className="sr-only">
                Search by customer
              </label>
              <input
                id="subscription-search"
                name="q"
                defaultValue={query.search}
                placeholder="Customer or external id"
                className={`${inputClass} w-64`}
              />
              <button type="submit" className={buttonClass("secondary")}>
                Search
              </button>
            </form>
          }
        />
        <SubscriptionsTable
          rows={page.rows}
          emptyTitle={
            query.search ? `No subscription matches “${query.search}”` : `No ${tabLabel.toLowerCase()} subscriptions`
          }
          sorting={{ sort: query.sort, order, href: (sort, o) => href({ sort, order: o, cursor: undefined }) }}
        />
        <Pager
          first={query.cursor ? href({ cursor: undefined }) : null}
          next={page.nextCursor ? href({ cursor: page.nextCursor }) : null}
        />
      </Card>
    </>
  );
}
