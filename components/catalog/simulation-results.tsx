// A price simulation's answer, as the operator reads it: the totals, who pays more or less, the
// spread, the biggest movers, the months (chart and table) and the customers, sortable and paged.
import Link from "next/link";
import { SimulationChart } from "@/components/catalog/simulation-chart";
import { Pager, SortHeader } from "@/components/revenue/sort-header";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Stat } from "@/components/ui/stat";
import { Table, Td, Th } from "@/components/ui/table";
import { formatInteger, formatMoney, formatMonth, formatSignedMoney } from "@/lib/format";
import type { SimulationCustomer, SimulationJson, SimulationSort } from "@/lib/simulation/schemas";

const signedPercent = (p: string | null) =>
  p === null ? "—" : `${p.startsWith("-") ? "−" : "+"}${p.replace("-", "")} %`;

export function SimulationResults({
  result,
  href,
}: {
  result: SimulationJson;
  /** The page's own address with other sorting or paging. */
  href: (change: { sort?: SimulationSort; order?: "asc" | "desc"; offset?: number }) => string;
}) {
  const { totals, counts, currency } = result;
  const money = (c: number) => formatMoney(c, currency);
  const window = `${formatMonth(result.by_month[0]!.month, "long")} – ${formatMonth(result.by_month.at(-1)!.month, "long")}`;
  if (counts.customers === 0)
    return (
      <Card>
        <EmptyState title="No customer to rate">
          {counts.without_history > 0
            ? `${formatInteger(counts.without_history)} subscriber${counts.without_history === 1 ? "" : "s"} joined this month, so no whole month of theirs falls in the window.`
            : result.compared_with.kind === "earlier_versions"
              ? "No live subscriber is on an earlier version of this plan. Compare it with another plan's subscribers instead."
              : `${result.compared_with.name} has no live subscriber to rate.`}
          {counts.other_currency > 0 &&
            ` ${formatInteger(counts.other_currency)} pay in another currency and are not compared.`}
        </EmptyState>
      </Card>
    );
  const { data, total, offset, limit, sort, order } = result.customers;
  return (
    <div className="space-y-6" data-testid="simulation-results">
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 xl:grid-cols-4">
        <Stat label="Today's prices" value={money(totals.current_cents)} hint={window} />
        <Stat
          label="This plan"
          value={money(totals.proposed_cents)}
          hint={`${formatInteger(counts.customers)} customers`}
        />
        <Stat
          label="Difference"
          value={formatSignedMoney(totals.difference_cents, currency)}
          hint={signedPercent(totals.change_percent)}
          tone={totals.difference_cents < 0 ? "warn" : "default"}
        />
        <Stat
          label="Pay more · less · the same"
          value={`${formatInteger(counts.pays_more)} · ${formatInteger(counts.pays_less)} · ${formatInteger(counts.same)}`}
          hint={
            counts.without_history || counts.other_currency
              ? `Not rated: ${formatInteger(counts.without_history)} joined this month, ${formatInteger(counts.other_currency)} pay in another currency`
              : "customers"
          }
        />
      </div>
      <p className="text-xs text-zinc-500">Left out of every amount: {result.excludes.join("; ")}.</p>

      <div className="grid gap-6 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <CardHeader
            title="By month"
            description="What these customers paid each month, and what they would have paid"
          />
          <CardBody>
            <SimulationChart months={result.by_month} currency={currency} />
          </CardBody>
          <Table label="Revenue by month">
            <thead>
              <tr>
                <Th>Month</Th>
                <Th align="right">Customers</Th>
                <Th align="right">Today</Th>
                <Th align="right">This plan</Th>
                <Th align="right">Difference</Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {result.by_month.map((m) => (
                <tr key={m.month}>
                  <Td>{formatMonth(m.month, "long")}</Td>
                  <Td align="right">{formatInteger(m.customers)}</Td>
                  <Td align="right">{money(m.current_cents)}</Td>
                  <Td align="right">{money(m.proposed_cents)}</Td>
                  <Td align="right">{formatSignedMoney(m.difference_cents, currency)}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Card>
        <Card>
          <CardHeader title="Spread" description="Customers by how much their bill changes" />
          <CardBody>
            <ul className="space-y-1.5 text-sm">
              {result.distribution.map((b) => (
                <li key={b.band} className="flex justify-between gap-4">
                  <span className="text-zinc-600">{b.band}</span>
                  <span className="tabular font-medium text-zinc-900">{formatInteger(b.customers)}</span>
                </li>
              ))}
            </ul>
          </CardBody>
          <Movers title="Biggest increases" rows={result.biggest_increases} currency={currency} />
          <Movers title="Biggest decreases" rows={result.biggest_decreases} currency={currency} />
        </Card>
      </div>

      <Card>
        <CardHeader
          title="Customers"
          description={`${formatInteger(offset + 1)}–${formatInteger(offset + data.length)} of ${formatInteger(total)}`}
        />
        <Table label="Customers rated">
          <thead>
            <tr>
              <SortHeader label="Customer" column="customer" sort={sort} order={order} href={sortHref(href)} />
              <Th>Plan today</Th>
              <Th align="right">Months</Th>
              <SortHeader
                label="Today"
                column="current"
                sort={sort}
                order={order}
                href={sortHref(href)}
                align="right"
              />
              <SortHeader
                label="This plan"
                column="proposed"
                sort={sort}
                order={order}
                href={sortHref(href)}
                align="right"
              />
              <SortHeader
                label="Difference"
                column="difference"
                sort={sort}
                order={order}
                href={sortHref(href)}
                align="right"
              />
              <SortHeader
                label="Change"
                column="change_percent"
                sort={sort}
                order={order}
                href={sortHref(href)}
                align="right"
              />
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {data.map((r) => (
              <tr key={r.customer_id}>
                <Td>
                  <Link
                    href={`/admin/customers/${r.customer_id}`}
                    className="font-medium text-zinc-900 hover:text-brand-700"
                  >
                    {r.name}
                  </Link>
                </Td>
                <Td>
                  {r.current_plan.name} v{r.current_plan.version}
                </Td>
                <Td align="right">{r.months}</Td>
                <Td align="right">{money(r.current_cents)}</Td>
                <Td align="right">{money(r.proposed_cents)}</Td>
                <Td align="right">{formatSignedMoney(r.difference_cents, currency)}</Td>
                <Td align="right">{signedPercent(r.change_percent)}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
        <Pager
          first={offset > 0 ? href({ offset: 0 }) : null}
          next={offset + limit < total ? href({ offset: offset + limit }) : null}
        />
      </Card>
    </div>
  );
}

const sortHref =
  (href: (c: { sort?: SimulationSort; order?: "asc" | "desc"; offset?: number }) => string) =>
  (sort: string, order: "asc" | "desc") =>
    href({ sort: sort as SimulationSort, order, offset: 0 });

function Movers({ title, rows, currency }: { title: string; rows: SimulationCustomer[]; currency: string }) {
  if (rows.length === 0) return null;
  return (
    <div className="border-t border-zinc-100 px-5 py-4">
      <h3 className="text-xs font-medium uppercase tracking-wide text-zinc-500">{title}</h3>
      <ul className="mt-2 space-y-1.5 text-sm">
        {rows.map((r) => (
          <li key={r.customer_id} className="flex justify-between gap-4">
            <span className="min-w-0 truncate text-zinc-700">{r.name}</span>
            <span className="tabular shrink-0 font-medium text-zinc-900">
              {formatSignedMoney(r.difference_cents, currency)}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
