import type { Metadata } from "next";
import Link from "next/link";
import { ChargesTable } from "@/components/revenue/charges-table";
import { Pager } from "@/components/revenue/sort-header";
import { buttonClass } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { PageHeader } from "@/components/ui/page-header";
import { requireAdmin } from "@/lib/auth/session";
import { listCharges } from "@/lib/revenue/lists";
import { ZChargeListQuery } from "@/lib/revenue/schemas";

export const metadata: Metadata = { title: "Charges" };

const FILTERS = [
  { key: "all", label: "All", query: {} },
  { key: "succeeded", label: "Succeeded", query: { status: "succeeded" } },
  { key: "failed", label: "Failed", query: { status: "failed" } },
  { key: "refunded", label: "With refunds", query: { refunded: "true" } },
  { key: "credits", label: "Credit packs", query: { kind: "credits" } },
] as const;

type Search = { status?: string; kind?: string; refunded?: string; sort?: string; order?: string; cursor?: string };

export default async function AdminChargesPage({ searchParams }: { searchParams: Promise<Search> }) {
  await requireAdmin();
  const sp = await searchParams;
  const parsed = ZChargeListQuery.safeParse({
    status: sp.status || undefined,
    kind: sp.kind || undefined,
    refunded: sp.refunded || undefined,
    sort: sp.sort,
    order: sp.order,
    cursor: sp.cursor,
    limit: 50,
  });
  const query = parsed.success ? parsed.data : ZChargeListQuery.parse({ limit: 50 });
  const page = await listCharges(query);
  const filter = {
    status: query.status,
    kind: query.kind,
    refunded: query.refunded === undefined ? undefined : String(query.refunded),
  };
  const active =
    FILTERS.find(
      (f) =>
        JSON.stringify({ ...{ status: undefined, kind: undefined, refunded: undefined }, ...f.query }) ===
        JSON.stringify(filter),
    )?.key ?? "all";
  const href = (
    over: Partial<Record<"status" | "kind" | "refunded" | "sort" | "order" | "cursor", string | undefined>>,
  ) => {
    const params = new URLSearchParams(
      Object.entries({
        ...filter,
        sort: query.sort === "created" ? undefined : query.sort,
        order: query.order,
        ...over,
      }).filter((e): e is [string, string] => Boolean(e[1])),
    );
    return `/admin/charges${params.size ? `?${params}` : ""}`;
  };
  return (
    <>
      <PageHeader
        title="Charges"
        description="Payments for subscriptions and credit packs, newest first, with their refunds and the net kept."
        actions={
          <Link href="/admin/revenue/economics" className={buttonClass("secondary")}>
            Credit economics
          </Link>
        }
      />
      <nav aria-label="Filter" className="mb-4 flex flex-wrap gap-1">
        {FILTERS.map((f) => (
          <Link
            key={f.key}
            href={href({ status: undefined, kind: undefined, refunded: undefined, cursor: undefined, ...f.query })}
            aria-current={f.key === active ? "page" : undefined}
            className={cn(
              "rounded-md px-3 py-1.5 text-sm font-medium",
              f.key === active ? "bg-brand-50 text-brand-700" : "text-zinc-600 hover:bg-zinc-100",
            )}
          >
            {f.label}
          </Link>
        ))}
      </nav>
      <Card>
        <CardHeader title="Recent charges" />
        <ChargesTable
          rows={page.rows}
          sorting={{
            sort: query.sort,
            order: query.order ?? "desc",
            href: (sort, o) => href({ sort, order: o, cursor: undefined }),
          }}
        />
        <Pager
          first={query.cursor ? href({ cursor: undefined }) : null}
          next={page.nextCursor ? href({ cursor: page.nextCursor }) : null}
        />
      </Card>
    </>
  );
}
