"use client";
// The admin home's figures: customers, subscriptions by status, MRR, ARR and ARPU. Rendered from
// the server's numbers, then kept current by React Query while the page is open.
import Link from "next/link";
import { Stat } from "@/components/ui/stat";
import { formatInteger, formatMoney } from "@/lib/format";
import { useBillingStats } from "@/lib/queries/revenue";
import type { BillingStatsJson } from "@/lib/revenue/schemas";

export function StatsCards({ initial }: { initial: BillingStatsJson }) {
  const { data: s } = useBillingStats(initial);
  const money = (cents: number | null) => (cents === null ? "—" : formatMoney(cents, s.currency));
  return (
    <div className="mb-6 space-y-4">
      <div className="grid grid-cols-2 gap-4 lg:grid-cols-4">
        <Stat
          label="MRR"
          value={<span data-testid="stat-mrr">{money(s.mrr_cents)}</span>}
          hint={
            <Link href="/admin/revenue" className="text-brand-600 hover:text-brand-700">
              Revenue over time →
            </Link>
          }
        />
        <Stat label="ARR" value={<span data-testid="stat-arr">{money(s.arr_cents)}</span>} hint="12 × MRR" />
        <Stat
          label="ARPU"
          value={<span data-testid="stat-arpu">{money(s.arpu_cents)}</span>}
          hint={`MRR ÷ ${formatInteger(s.paying_customers)} paying customer${s.paying_customers === 1 ? "" : "s"}`}
        />
        <Stat
          label="Customers"
          value={<span data-testid="stat-customers">{formatInteger(s.total_customers)}</span>}
          hint={`${formatInteger(s.paying_customers)} paying`}
        />
      </div>
      <div className="grid grid-cols-2 gap-4 lg:grid-cols-4">
        <Stat
          label="Active subscriptions"
          value={<span data-testid="stat-active">{formatInteger(s.active_subscriptions)}</span>}
        />
        <Stat
          label="Trialing"
          value={<span data-testid="stat-trialing">{formatInteger(s.trialing_subscriptions)}</span>}
          hint="Counts zero MRR until it converts"
        />
        <Stat
          label="Past due"
          value={<span data-testid="stat-past-due">{formatInteger(s.past_due_subscriptions)}</span>}
          tone={s.past_due_subscriptions > 0 ? "warn" : "default"}
          hint="Stays in MRR until canceled"
        />
        <Stat
          label="Canceled"
          value={formatInteger(s.canceled_subscriptions)}
          hint={
            <Link href="/admin/subscriptions?status=canceled" className="text-brand-600 hover:text-brand-700">
              See them →
            </Link>
          }
        />
      </div>
      {s.other_currencies.length > 0 && (
        <p className="text-xs text-zinc-500">
          Figures in {s.currency.toUpperCase()}. Also:{" "}
          {s.other_currencies.map((o) => `${formatMoney(o.mrr_cents, o.currency)} MRR`).join(", ")}.
        </p>
      )}
    </div>
  );
}
