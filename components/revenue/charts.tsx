"use client";
// The revenue charts. Recharts draws in the browser only; every chart's numbers are also in a
// table beside it (movements-table.tsx, tier-table.tsx). Values are integers in minor units.
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";
import { FluidChart } from "@/components/ui/fluid-chart";
import { formatMoney, formatMonth } from "@/lib/format";
import type { RevenueMonthJson, TierStatsJson } from "@/lib/revenue/schemas";

/** The figures of a month the charts draw (GET /api/v1/admin/revenue/series). */
export type MonthPoint = Pick<
  RevenueMonthJson,
  | "month"
  | "ending_mrr_cents"
  | "new_mrr_cents"
  | "expansion_mrr_cents"
  | "reactivation_mrr_cents"
  | "contraction_mrr_cents"
  | "churned_mrr_cents"
>;

const AXIS = { fontSize: 11, fill: "#71717a" };
const GRID = <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e4e4e7" />;

export function MrrChart({ months, currency }: { months: MonthPoint[]; currency: string }) {
  return (
    <div className="h-64 w-full" role="img" aria-label="MRR at the end of each month" data-testid="mrr-chart">
      <FluidChart>
        <LineChart data={months} margin={{ top: 8, right: 12, bottom: 0, left: 4 }}>
          {GRID}
          <XAxis dataKey="month" tickFormatter={(m: string) => formatMonth(m)} tick={AXIS} minTickGap={16} />
          <YAxis tickFormatter={(v: number) => formatMoney(v, currency, "compact")} tick={AXIS} width={64} />
          <Tooltip
            formatter={(v) => [formatMoney(Number(v), currency), "MRR"]}
            labelFormatter={(m) => formatMonth(String(m), "long")}
          />
          <Line
            type="monotone"
            dataKey="ending_mrr_cents"
            name="MRR"
            stroke="#4f46e5"
            strokeWidth={2}
            dot={{ r: 3 }}
            isAnimationActive={false}
          />
        </LineChart>
      </FluidChart>
    </div>
  );
}

const MOVEMENTS = [
  { key: "new", label: "New", color: "#10b981" },
  { key: "expansion", label: "Expansion", color: "#6366f1" },
  { key: "reactivation", label: "Reactivation", color: "#0ea5e9" },
  { key: "contraction", label: "Contraction", color: "#f59e0b" },
  { key: "churned", label: "Churned", color: "#ef4444" },
] as const;

/** Gains stack above zero, losses below (drawn negative). */
export function MovementsChart({ months, currency }: { months: MonthPoint[]; currency: string }) {
  const data = months.map((m) => ({
    month: m.month,
    new: m.new_mrr_cents,
    expansion: m.expansion_mrr_cents,
    reactivation: m.reactivation_mrr_cents,
    contraction: -m.contraction_mrr_cents,
    churned: -m.churned_mrr_cents,
  }));
  return (
    <div
      className="h-64 w-full"
      role="img"
      aria-label="MRR movements per month: new, expansion and reactivation above zero, contraction and churn below"
      data-testid="movements-chart"
    >
      <FluidChart>
        <BarChart data={data} stackOffset="sign" margin={{ top: 8, right: 12, bottom: 0, left: 4 }}>
          {GRID}
          <XAxis dataKey="month" tickFormatter={(m: string) => formatMonth(m)} tick={AXIS} minTickGap={16} />
          <YAxis tickFormatter={(v: number) => formatMoney(v, currency, "compact")} tick={AXIS} width={64} />
          <Tooltip
            formatter={(v, name) => [formatMoney(Number(v), currency), String(name)]}
            labelFormatter={(m) => formatMonth(String(m), "long")}
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <ReferenceLine y={0} stroke="#a1a1aa" />
          {MOVEMENTS.map((s) => (
            <Bar key={s.key} dataKey={s.key} name={s.label} stackId="mrr" fill={s.color} isAnimationActive={false} />
          ))}
        </BarChart>
      </FluidChart>
    </div>
  );
}

/** A tier of GET /api/v1/admin/billing/stats, as the tier chart draws it. */
export type TierPoint = Pick<TierStatsJson, "tier" | "name" | "mrr_cents" | "subscriptions">;

export function TierChart({ tiers, currency }: { tiers: TierPoint[]; currency: string }) {
  return (
    <div className="h-56 w-full" role="img" aria-label="MRR per plan tier" data-testid="tier-chart">
      <FluidChart>
        <BarChart data={tiers} margin={{ top: 8, right: 12, bottom: 0, left: 4 }}>
          {GRID}
          <XAxis dataKey="name" tick={AXIS} />
          <YAxis tickFormatter={(v: number) => formatMoney(v, currency, "compact")} tick={AXIS} width={64} />
          <Tooltip formatter={(v) => [formatMoney(Number(v), currency), "MRR"]} />
          <Bar dataKey="mrr_cents" name="MRR" fill="#6366f1" radius={[3, 3, 0, 0]} isAnimationActive={false} />
        </BarChart>
      </FluidChart>
    </div>
  );
}

export function CostChart({
  tiers,
  currency,
}: {
  tiers: { name: string; revenue_cents: number; cost_cents: number }[];
  currency: string;
}) {
  return (
    <div className="h-56 w-full" role="img" aria-label="Revenue and provider cost per tier" data-testid="cost-chart">
      <FluidChart>
        <BarChart data={tiers} margin={{ top: 8, right: 12, bottom: 0, left: 4 }}>
          {GRID}
          <XAxis dataKey="name" tick={AXIS} />
          <YAxis tickFormatter={(v: number) => formatMoney(v, currency, "compact")} tick={AXIS} width={64} />
          <Tooltip formatter={(v, name) => [formatMoney(Number(v), currency), String(name)]} />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Bar dataKey="revenue_cents" name="Revenue" fill="#10b981" isAnimationActive={false} />
          <Bar dataKey="cost_cents" name="Provider cost" fill="#ef4444" isAnimationActive={false} />
        </BarChart>
      </FluidChart>
    </div>
  );
}
