"use client";
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from "recharts";
import { FluidChart } from "@/components/ui/fluid-chart";
import { formatCredits, formatDay, formatInteger } from "@/lib/format";

export type DrawdownChartData = { meters: string[]; days: ({ day: string } & Record<string, number | string>)[] };

const COLORS = ["#6366f1", "#0ea5e9", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#64748b"];

/** Credits drawn by usage, per day and meter (stacked). Recharts draws in the browser only; the numbers are in the table beside it. */
export function DrawdownChart({ data }: { data: DrawdownChartData }) {
  const label = (day: string) => formatDay(`${day}T00:00:00Z`);
  return (
    <div className="h-56 w-full" role="img" aria-label="Credits drawn by usage per meter and day over the last 30 days">
      <FluidChart>
        <BarChart data={data.days} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e4e4e7" />
          <XAxis
            dataKey="day"
            tickFormatter={label}
            tick={{ fontSize: 11, fill: "#71717a" }}
            interval="preserveStartEnd"
            minTickGap={24}
          />
          <YAxis tickFormatter={(v: number) => formatInteger(v)} tick={{ fontSize: 11, fill: "#71717a" }} width={48} />
          <Tooltip
            formatter={(v, name) => [formatCredits(Number(v)), String(name)]}
            labelFormatter={(d) => label(String(d))}
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {data.meters.map((m, i) => (
            <Bar key={m} dataKey={m} stackId="meters" fill={COLORS[i % COLORS.length]} />
          ))}
        </BarChart>
      </FluidChart>
    </div>
  );
}
