"use client";
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from "recharts";
import { FluidChart } from "@/components/ui/fluid-chart";
import { formatMoney, formatMonth } from "@/lib/format";

export type SimulationMonth = { month: string; current_cents: number; proposed_cents: number };

/** Each month of the window: what the customers paid under today's terms and would pay under the plan's. The figures are also in the table below it. */
export function SimulationChart({ months, currency }: { months: SimulationMonth[]; currency: string }) {
  return (
    <div className="h-64 w-full" role="img" aria-label="Revenue per month under today's prices and under this plan">
      <FluidChart>
        <BarChart data={months} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e4e4e7" />
          <XAxis
            dataKey="month"
            tickFormatter={(m: string) => formatMonth(m)}
            tick={{ fontSize: 11, fill: "#71717a" }}
            interval="preserveStartEnd"
            minTickGap={16}
          />
          <YAxis
            tickFormatter={(v: number) => formatMoney(v, currency, "compact")}
            tick={{ fontSize: 11, fill: "#71717a" }}
            width={56}
          />
          <Tooltip
            formatter={(v, name) => [formatMoney(Number(v), currency), name]}
            labelFormatter={(m) => formatMonth(String(m), "long")}
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Bar
            dataKey="current_cents"
            name="Today's prices"
            fill="#a1a1aa"
            radius={[3, 3, 0, 0]}
            isAnimationActive={false}
          />
          <Bar
            dataKey="proposed_cents"
            name="This plan"
            fill="#6366f1"
            radius={[3, 3, 0, 0]}
            isAnimationActive={false}
          />
        </BarChart>
      </FluidChart>
    </div>
  );
}
