// The credits page's drawdown chart: credits drawn from the balance by each meter priced in
// credits, per UTC day (overage included; credits a customer that stops at zero could not pay are not).
import "server-only";
import { sql } from "drizzle-orm";
import { int, selectRows, text } from "@/lib/db/rows";
import { addDays, startOfUtcDay } from "@/lib/time";

export type DrawdownSeries = {
  /** Meter codes, the largest total first. */
  meters: string[];
  /** One point per day, oldest first: `day` and each meter's credits. */
  days: ({ day: string } & Record<string, number | string>)[];
  totals: { meter: string; credits: number; events: number }[];
};

export async function drawdownSeries(orgId: string, now: Date, days: number): Promise<DrawdownSeries> {
  const from = addDays(startOfUtcDay(now), -(days - 1));
  const list = await selectRows(
    { day: text, meter: text, credits: int, events: int },
    sql`select to_char(d.created_at at time zone 'UTC', 'YYYY-MM-DD') as day, coalesce(m.code, d.meter_id) as meter,
               sum(d.credits - d.short_credits)::text as credits, sum(d.event_count)::text as events
          from credit_drawdowns d left join meters m on m.id = d.meter_id
         where d.org_id = ${orgId} and d.created_at >= ${from.toISOString()}::timestamptz
         group by 1, 2`,
  );
  const totals = new Map<string, { credits: number; events: number }>();
  const byDay = new Map<string, Map<string, number>>();
  for (const r of list) {
    const t = totals.get(r.meter) ?? { credits: 0, events: 0 };
    t.credits += r.credits;
    t.events += r.events;
    totals.set(r.meter, t);
    const d = byDay.get(r.day) ?? new Map<string, number>();
    d.set(r.meter, (d.get(r.meter) ?? 0) + r.credits);
    byDay.set(r.day, d);
  }
  const meters = [...totals.entries()].sort((a, b) => b[1].credits - a[1].credits).map(([m]) => m);
  return {
    meters,
    days: Array.from({ length: days }, (_, i) => {
      const day = addDays(from, i).toISOString().slice(0, 10);
      const point: { day: string } & Record<string, number | string> = { day };
      for (const m of meters) point[m] = byDay.get(day)?.get(m) ?? 0;
      return point;
    }),
    totals: meters.map((m) => ({ meter: m, ...totals.get(m)! })),
  };
}
