// The events a drawdown covers, as SQL: for each linked meter, the organization's events of that
// meter ingested in a range, with the quantity each one counts (count: 1; sum: its property, a
// missing one 0) and the credits it costs, ceil(quantity × credits per unit) — rounded up per
// event, as consume does, never below zero (a negative correction of a sum meter spends nothing).
// The same rows serve the drawdown (drawdown.ts) and the exact reads (drawdown-read.ts), so what a
// read counts as not yet drawn is exactly what the next drawdown spends.
//
// Usage an agent's finalized call recorded (source 'call', lib/agents/record-call-usage.ts) is
// never drawn: the call priced it in money from its plan snapshot and is billed through the call,
// so drawing it as well would charge it twice. Public ingestion refuses the source 'call'.
import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { DrawdownLink } from "./drawdown-links";

function filterSql(filters: Record<string, string[]>): SQL[] {
  return Object.entries(filters)
    .filter(([, values]) => values.length > 0)
    .map(
      ([key, values]) =>
        sql`(e.properties ->> ${key}) = any(${`{${values.map((v) => JSON.stringify(v)).join(",")}}`}::text[])`,
    );
}

/**
 * Rows (link_id, event_id, ingested_at, quantity, credits) of the organization's events of the
 * links, ingested at or after `after` (and after each link was created) and before `before` (null:
 * no bound). Half-open, [after, before): the horizon a drawdown stops before becomes the next
 * one's `after`, and it can be exactly an open transaction's start, i.e. its events' ingested_at —
 * those events belong to the next drawdown. Reads usage_events by (org_id, ingested_at).
 */
export function linkedEventsSql(
  orgId: string | SQL,
  links: DrawdownLink[],
  after: SQL,
  before: SQL | null,
  /** Another table of events with usage_events' columns (a correction's retracted events, lib/metering/corrections.ts) and a condition on it. */
  from: { table: SQL; where: SQL } = { table: sql`usage_events`, where: sql`true` },
): SQL {
  const parts = links
    .filter((l) => l.creditsPerUnit !== null)
    .map((l) => {
      const conds = [sql`e.org_id = ${orgId}`, sql`e.ingested_at >= ${after}`, from.where, ...linkConds(l, before)];
      return sql`select ${l.id}::text as link_id, e.event_id, e.ingested_at, q.v as quantity, ${creditsOf(l, sql`q.v`)} as credits
                   from ${from.table} e, lateral (select ${quantityOf(l)} as v) q
                  where ${sql.join(conds, sql` and `)}`;
    });
  if (parts.length === 0)
    return sql`select null::text as link_id, null::text as event_id, null::timestamptz as ingested_at, null::numeric as quantity, null::bigint as credits where false`;
  return sql.join(parts, sql` union all `);
}

/** What one event counts for a link: 1 for a count meter, its property for a sum meter (a missing one 0). */
const quantityOf = (l: DrawdownLink): SQL =>
  l.aggregation === "count" ? sql`1::numeric` : sql`coalesce((e.properties ->> ${l.property ?? ""})::numeric, 0)`;

/** The credits one event of quantity `q` costs: rounded up per event, never below zero. */
const creditsOf = (l: DrawdownLink, q: SQL): SQL => sql`greatest(0, ceil(${q} * ${l.creditsPerUnit}))::bigint`;

/** Whether event `e` belongs to link `l` (besides the organization and the lower bound). */
function linkConds(l: DrawdownLink, before: SQL | null): SQL[] {
  return [
    sql`e.ingested_at > ${l.createdAt.toISOString()}::timestamptz`,
    sql`e.event_name = ${l.eventName}`,
    sql`e.source is distinct from 'call'`,
    ...(before ? [sql`e.ingested_at < ${before}`] : []),
    ...(l.archivedAt ? [sql`e.ingested_at <= ${l.archivedAt.toISOString()}::timestamptz`] : []),
    ...filterSql(l.meterFilters),
    ...filterSql(l.filters),
  ];
}

/**
 * The credits the organization's events ingested at or after `after` cost, over every link: the
 * same events and credits as Σ credits of linkedEventsSql(orgId, links, after, null) — per event
 * and link, ceil(quantity × credits per unit) — read in one pass over the (org_id, ingested_at)
 * index, where the union reads it once per link (each partition's index once per link). For the
 * exact reads (entitlements, balances): a scalar bigint expression.
 */
export function pendingCreditsSql(orgId: string | SQL, links: DrawdownLink[], after: SQL): SQL {
  const priced = links.filter((l) => l.creditsPerUnit !== null);
  if (priced.length === 0) return sql`0::bigint`;
  const names = [...new Set(priced.map((l) => l.eventName))];
  // No event before the oldest link counts: a bound for the scan when the cursor is far behind.
  const since = new Date(Math.min(...priced.map((l) => l.createdAt.getTime()))).toISOString();
  const perLink = priced.map(
    (l) => sql`case when ${sql.join(linkConds(l, null), sql` and `)} then ${creditsOf(l, quantityOf(l))} else 0 end`,
  );
  return sql`(select coalesce(sum(${sql.join(perLink, sql` + `)}), 0)::bigint
                from usage_events e
               where e.org_id = ${orgId} and e.ingested_at >= ${after} and e.ingested_at > ${since}::timestamptz
                 and e.event_name = any(${`{${names.map((n) => JSON.stringify(n)).join(",")}}`}::text[]))`;
}

/**
 * The usage of one meter drawn from credits, for billing (lib/payments/period-input.ts): per read
 * `t.j` and group value `g` (the event's property `t.k`, null when `t.k` is null), the summed
 * quantity `q` of the meter's events whose timestamp lies in the read's [t.f, t.u) and that one of
 * the meter's links drew or will draw:
 * - drawn: the event matches the link (linkConds, as the drawdown read it) and its ingested_at lies
 *   in the range [from, through) of one of the link's credit_drawdowns rows — the drawdown wrote
 *   that row with the ledger rows of that range, so the event was spent;
 * - will be drawn: the link is live and priced now (as drawdownLinks gives it to the drawdown) and
 *   the event was ingested at or after the customer's cursor — the usage the exact balance already
 *   counts as pending.
 * Not the link's window alone: the drawdown spends nothing for a link while its credit event is
 * inactive (nor for one a replica's cache did not know yet), and moves the cursor past those
 * events; counted as drawn, they were neither drawn nor billed. An event two links match counts
 * once. Everything else of the meter is billed in arrears, so no event is both drawn and billed,
 * and none is neither. Billing only, never the ingest or drawdown path: it reads the link's
 * drawdown rows (credit_drawdowns_link_through_idx) beside the events. `reads`: a row source
 * aliased `t(j int, o text, k text, f timestamptz, u timestamptz)`. A statement with a WITH
 * clause: parenthesize it to union it with others.
 */
export function drawnQuantitySql(meterLinks: DrawdownLink[], reads: SQL): SQL {
  const matches = meterLinks.map((l) => sql`(${sql.join(linkConds(l, null), sql` and `)})`);
  // Per link, whether one of its drawdowns covers each matching event: in one ordered pass over the
  // events and the link's drawdown rows together, the running maximum of `through` over the rows
  // that start at or before the event's ingestion exceeds it exactly when a range [from, through)
  // holds it (a range starting at the instant sorts first: `from` is inclusive). A sort where a
  // probe per event into credit_drawdowns cost 2–3× as much over a month of 180,000 events. Only the
  // drawdowns that can cover one of the events are read (`b`: a customer's accumulate over the years).
  const perLink = meterLinks.map((l, n) => {
    const pending = l.live && l.creditsPerUnit !== null ? sql` or y.at >= y.cur` : sql``;
    return sql`select y.j, y.event_id, y.g, y.q from (
                 select x.*, max(x.thr) over (partition by x.o order by x.at, x.kind rows unbounded preceding) as cover
                   from (select 1 as kind, ev.j, ev.o, ev.event_id, ev.g, ev.q, ev.ingested_at as at, null::timestamptz as thr, ev.cur
                           from ev where ev.m${sql.raw(String(n))}
                         union all
                         select 0, null, d.org_id, null, null, null, d.from_ingested_at, d.through_ingested_at, null
                           from b join credit_drawdowns d
                             on d.org_id = b.o and d.link_id = ${l.id} and d.through_ingested_at > b.lo and d.from_ingested_at <= b.hi) x) y
                where y.kind = 1 and (y.cover > y.at${pending})`;
  });
  return sql`with r as (select * from ${reads}),
                  ev as (select r.j, r.o, e.event_id, e.ingested_at, case when r.k is null then null else e.properties ->> r.k end as g,
                                ${quantityOf(meterLinks[0]!)} as q, coalesce(cur.drawn_through, '-infinity'::timestamptz) as cur,
                                ${sql.join(
                                  matches.map((m, n) => sql`${m} as m${sql.raw(String(n))}`),
                                  sql`, `,
                                )}
                           from r join usage_events e on e.org_id = r.o and e."timestamp" >= r.f and e."timestamp" < r.u
                           left join credit_drawdown_cursors cur on cur.org_id = r.o
                          where ${sql.join(matches, sql` or `)}),
                  b as (select ev.o, min(ev.ingested_at) as lo, max(ev.ingested_at) as hi from ev group by ev.o)
             select z.j, z.g, sum(z.q)::text as q from (${sql.join(perLink, sql` union `)}) z group by 1, 2`;
}
