import { formatDate, formatInteger } from "@/lib/format";
import type { SpendPoint } from "./spend-chart";

/** The numbers behind the spend chart: the days with spending, newest first. */
export function SpendTable({ series }: { series: SpendPoint[] }) {
  const days = series.filter((d) => d.credits !== 0).reverse();
  if (days.length === 0) return <p className="text-sm text-zinc-500">No credits spent in the last 30 days.</p>;
  return (
    <table className="w-full text-sm" aria-label="Credits spent per day">
      <thead>
        <tr className="text-left text-xs uppercase tracking-wide text-zinc-500">
          <th className="py-1 font-medium">Day (UTC)</th>
          <th className="py-1 text-right font-medium">Credits</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100">
        {days.map((d) => (
          <tr key={d.day}>
            <td className="py-1 text-zinc-700">{formatDate(`${d.day}T00:00:00Z`)}</td>
            <td className="tabular py-1 text-right text-zinc-900">{formatInteger(d.credits)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
