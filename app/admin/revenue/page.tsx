import type { Metadata } from "next";
import Link from "next/link";
import { Definitions } from "@/components/revenue/definitions";
import { MovementsChart, MrrChart, TierChart } from "@/components/revenue/charts";
import { MonthRangeForm } from "@/components/revenue/month-range-form";
import { MovementsTable } from "@/components/revenue/movements-table";
import { TierTable } from "@/components/revenue/tier-table";
import { buttonClass } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Stat } from "@/components/ui/stat";
import { requireAdmin } from "@/lib/auth/session";
import { formatMoney, formatMonth, formatPercent, formatSignedMoney } from "@/lib/format";
import { loadRevenuePage } from "@/lib/revenue/revenue-page";

export const metadata: Metadata = { title: "Revenue" };

export default async function RevenuePage({ searchParams }: { searchParams: Promise<{ from?: string; to?: string }> }) {
  await requireAdmin();
  const { values, errors, series, stats } = await loadRevenuePage(await searchParams);
  const months = series.data;
  const last = months[months.length - 1];
  const previous = months[months.length - 2];
  const money = (cents: number) => formatMoney(cents, series.currency);
  const anything = months.some(
    (m) => m.ending_mrr_cents || m.starting_mrr_cents || m.churned_mrr_cents || m.new_mrr_cents,
  );
  return (
    <>
      <PageHeader
        title="Revenue"
        description={
          <>
            MRR and its movements per month (UTC), recomputed from the subscription history.{" "}
            <a href="#definitions" className="text-brand-600 underline hover:text-brand-700">
              How each figure is counted
            </a>
            .
          </>
        }
        actions={
          <>
            <Link href="/admin/revenue/economics" className={buttonClass("secondary")}>
              Credits, usage and margin
            </Link>
            <a href="/api/v1/admin/export/subscriptions.csv" className={buttonClass("secondary")} download>
              Export subscriptions (CSV)
            </a>
            <a href="/api/v1/admin/export/invoices.csv" className={buttonClass("secondary")} download>
              Export invoices (CSV)
            </a>
          </>
        }
      />
      <MonthRangeForm values={values} errors={errors} first={series.from} last={series.to} />
      {last && (
        <div className="mb-6 grid grid-cols-2 gap-4 lg:grid-cols-4">
          <Stat
            label={`MRR, end of ${formatMonth(last.month)}`}
            value={<span data-testid="revenue-mrr">{money(last.ending_mrr_cents)}</span>}
            hint={`ARR ${money(last.arr_cents)}`}
          />
          <Stat
            label={`Net new MRR, ${formatMonth(last.month)}`}
            value={
              <span data-testid="revenue-net-new-mrr">
                {formatSignedMoney(last.net_new_mrr_cents, series.currency)}
              </span>
            }
            hint={
              <span data-testid="revenue-net-new-parts">
                new {money(last.new_mrr_cents)} + expansion {money(last.expansion_mrr_cents)} + reactivation{" "}
                {money(last.reactivation_mrr_cents)} − contraction {money(last.contraction_mrr_cents)} − churned{" "}
                {money(last.churned_mrr_cents)}
              </span>
            }
          />
          <Stat
            label={`Net revenue retention, ${formatMonth((previous ?? last).month)}`}
            value={formatPercent((previous ?? last).net_revenue_retention)}
            hint="Cohort MRR at the month's end ÷ at its start"
          />
          <Stat
            label={`Logo churn, ${formatMonth((previous ?? last).month)}`}
            value={formatPercent((previous ?? last).logo_churn_rate)}
            hint={`revenue churn ${formatPercent((previous ?? last).revenue_churn_rate)}`}
          />
        </div>
      )}
      {!anything ? (
        <Card className="mb-6">
          <EmptyState title="No recurring revenue in these months">
            MRR appears here once customers are on paid plans; trials count from the day they convert.
          </EmptyState>
        </Card>
      ) : (
        <div className="mb-6 grid grid-cols-1 gap-6 xl:grid-cols-2">
          <Card>
            <CardHeader
              title="MRR over time"
              description={`At the end of each month, in ${series.currency.toUpperCase()}.`}
            />
            <CardBody>
              <MrrChart months={months} currency={series.currency} />
            </CardBody>
          </Card>
          <Card>
            <CardHeader
              title="MRR movements"
              description="New, expansion and reactivation above zero; contraction and churn below."
            />
            <CardBody>
              <MovementsChart months={months} currency={series.currency} />
            </CardBody>
          </Card>
        </div>
      )}
      <Card className="mb-6">
        <CardHeader
          title="Month by month"
          description="The numbers behind the charts. Credit packs and usage are revenue too, but not recurring: they are reported beside MRR, never in it."
        />
        <MovementsTable months={months} currency={series.currency} />
      </Card>
      <Card>
        <CardHeader
          title="MRR by tier, now"
          description={`${money(stats.mrr_cents)} MRR from ${stats.paying_customers} paying customer${stats.paying_customers === 1 ? "" : "s"}.`}
        />
        <div className="grid grid-cols-1 gap-4 2xl:grid-cols-5">
          {stats.tiers.length > 0 && (
            <CardBody className="2xl:col-span-2">
              <TierChart tiers={stats.tiers} currency={stats.currency} />
            </CardBody>
          )}
          <div className={stats.tiers.length > 0 ? "2xl:col-span-3" : "2xl:col-span-5"}>
            <TierTable tiers={stats.tiers} currency={stats.currency} />
          </div>
        </div>
      </Card>
      <Definitions />
    </>
  );
}
