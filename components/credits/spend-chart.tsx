"use client";
import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from "recharts";
import { FluidChart } from "@/components/ui/fluid-chart";
import { formatCredits, formatDay, formatInteger } from "@/lib/format";

export type SpendPoint = { day: string; credits: number };

/** Credits spent per day (UTC). Recharts draws in the browser only; the numbers are also in the table beside it. */
export function SpendChart({ series }: { series: SpendPoint[] }) {
  const label = (day: string) => formatDay(`${day}T00:00:00Z`);
  return (
    <div className="h-56 w-full" role="img" aria-label="Credits spent per day over the last 30 days">
      <FluidChart>
        <BarChart data={series} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e4e4e7" />
          <XAxis
            dataKey="day"
            tickFormatter={label}
            tick={{ fontSize: 11, fill: "#71717a" }}
            interval="preserveStartEnd"
            minTickGap={24}
          />
          <YAxis tickFormatter={(v: number) => formatInteger(v)} tick={{ fontSize: 11, fill: "#71717a" }} width={48} />
          <Tooltip formatter={(v) => [formatCredits(Number(v)), "spent"]} labelFormatter={(d) => label(String(d))} />
          <Bar dataKey="credits" fill="#6366f1" radius={[3, 3, 0, 0]} />
        </BarChart>
      </FluidChart>
    </div>
  );
}
