import type { Metadata } from "next";
import Link from "next/link";
import { CostChart } from "@/components/revenue/charts";
import { CreditsByTierTable, MarginTable } from "@/components/revenue/economics-tables";
import { buttonClass } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { inputClass } from "@/components/ui/field";
import { PageHeader } from "@/components/ui/page-header";
import { Stat } from "@/components/ui/stat";
import { requireAdmin } from "@/lib/auth/session";
import { formatInteger, formatMoney, formatMonth, formatPercent } from "@/lib/format";
import { loadEconomicsPage } from "@/lib/revenue/revenue-page";

export const metadata: Metadata = { title: "Credit and usage economics" };

export default async function EconomicsPage({ searchParams }: { searchParams: Promise<{ month?: string }> }) {
  await requireAdmin();
  const { values, errors, economics: e } = await loadEconomicsPage(await searchParams);
  const money = (cents: number) => formatMoney(cents, e.currency);
  const tierName = new Map(e.tiers.map((t) => [t.tier, t.name]));
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/admin/revenue" className="text-brand-600 hover:text-brand-700">
          ← Revenue
        </Link>
      </p>
      <PageHeader
        title={`Credits, usage and margin — ${formatMonth(e.month, "long")}`}
        description="What credits brought in and still owe, what expired, what each tier used, and what its usage cost at the providers' model prices."
        actions={
          <a href="/api/v1/admin/export/usage.csv" className={buttonClass("secondary")} download>
            Export usage (CSV)
          </a>
        }
      />
      <form className="mb-6 flex flex-wrap items-start gap-3" aria-label="Month shown">
        <div>
          <label htmlFor="economics-month" className="block text-xs font-medium text-zinc-600">
            Month
          </label>
          <input
            id="economics-month"
            name="month"
            type="month"
            defaultValue={values.month ?? e.month}
            aria-invalid={errors.month ? true : undefined}
            aria-describedby={errors.month ? "economics-month-error" : undefined}
            className={cn(inputClass, "mt-1 w-44")}
          />
          {errors.month && (
            <p id="economics-month-error" className="mt-1 text-xs text-red-600">
              {errors.month}
            </p>
          )}
        </div>
        <button type="submit" className={cn(buttonClass("secondary"), "mt-5")}>
          Show
        </button>
      </form>
      <div className="mb-6 grid grid-cols-2 gap-4 lg:grid-cols-3 xl:grid-cols-6">
        <Stat
          label="Credit packs sold"
          value={<span data-testid="econ-packs">{money(e.credit_packs.net_cents)}</span>}
          hint={`${formatInteger(e.credit_packs.packs_sold)} payment${e.credit_packs.packs_sold === 1 ? "" : "s"}, ${money(e.credit_packs.refunded_cents)} refunded`}
        />
        <Stat
          label="Deferred revenue"
          value={<span data-testid="econ-deferred">{money(e.deferred_revenue.value_cents)}</span>}
          hint={`${formatInteger(e.deferred_revenue.credits)} prepaid credits unspent`}
        />
        <Stat
          label="Breakage"
          value={<span data-testid="econ-breakage">{formatInteger(e.breakage.total_credits)}</span>}
          hint={`credits expired unspent${e.breakage.purchased_value_cents ? ` (${money(e.breakage.purchased_value_cents)} prepaid)` : ""}`}
        />
        <Stat
          label="Usage revenue"
          value={<span data-testid="econ-usage">{money(e.usage_revenue_cents)}</span>}
          hint="Usage charges rated for the month; not MRR"
        />
        <Stat
          label="Provider cost"
          value={<span data-testid="econ-cost">{money(e.cost_cents)}</span>}
          hint="LLM tokens × model prices"
        />
        <Stat
          label="Margin"
          value={<span data-testid="econ-margin">{money(e.totals.margin_cents)}</span>}
          hint={
            e.totals.margin_rate
              ? `${formatPercent(e.totals.margin_rate)} of ${money(e.totals.revenue_cents)} revenue`
              : "no revenue"
          }
          tone={e.totals.margin_cents < 0 ? "warn" : "default"}
        />
      </div>
      <Card className="mb-6">
        <CardHeader
          title="Revenue, cost and margin by tier"
          description="Revenue = the month's MRR + usage charges + credit packs; cost = the tier's LLM tokens at the providers' prices."
        />
        <div className="grid grid-cols-1 gap-4 2xl:grid-cols-5">
          {e.tiers.length > 0 && (
            <CardBody className="2xl:col-span-2">
              <CostChart tiers={e.tiers} currency={e.currency} />
            </CardBody>
          )}
          <div className={e.tiers.length > 0 ? "2xl:col-span-3" : "2xl:col-span-5"}>
            <MarginTable
              rows={e.tiers.map((t) => ({
                key: t.tier,
                label: t.name,
                sub: `${formatInteger(t.customers)} customer${t.customers === 1 ? "" : "s"}`,
                ...t,
              }))}
              currency={e.currency}
              empty="No revenue or usage cost in this month."
            />
          </div>
        </div>
      </Card>
      <Card className="mb-6">
        <CardHeader
          title="Credits granted and consumed by tier"
          description="Granted by source; consumed = spent net of refunds; expired = breakage. Tier = the plan each customer is on now."
        />
        <CreditsByTierTable rows={e.credits_by_tier} />
      </Card>
      <Card>
        <CardHeader
          title="Customers by provider cost"
          description="The customers whose usage cost the most this month, with what they brought in."
        />
        <MarginTable
          rows={e.customers.map((c) => ({
            key: c.customer_id,
            label: c.name,
            href: `/admin/customers/${c.customer_id}`,
            sub: tierName.get(c.tier) ?? c.tier,
            ...c,
          }))}
          currency={e.currency}
          empty="No customer had revenue or usage this month."
        />
      </Card>
    </>
  );
}
