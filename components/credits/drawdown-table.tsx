import { formatInteger } from "@/lib/format";

/** The numbers behind the drawdown chart: each meter's credits and events over the period. */
export function DrawdownTable({ totals }: { totals: { meter: string; credits: number; events: number }[] }) {
  return (
    <table className="w-full text-sm" aria-label="Credits drawn by meter">
      <thead>
        <tr className="text-left text-xs uppercase tracking-wide text-zinc-500">
          <th className="py-1 font-medium">Meter</th>
          <th className="py-1 text-right font-medium">Events</th>
          <th className="py-1 text-right font-medium">Credits</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100">
        {totals.map((t) => (
          <tr key={t.meter}>
            <td className="py-1 font-mono text-xs text-zinc-700">{t.meter}</td>
            <td className="tabular py-1 text-right text-zinc-700">{formatInteger(t.events)}</td>
            <td className="tabular py-1 text-right text-zinc-900" data-testid={`drawdown-${t.meter}`}>
              {formatInteger(t.credits)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
