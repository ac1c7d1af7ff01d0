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
export function linkedEventsSql(orgId: string | SQL, links: DrawdownLink[], after: SQL, before: SQL | null): SQL {
  const parts = links
    .filter((l) => l.creditsPerUnit !== null)
    .map((l) => {
      const conds = [sql`e.org_id = ${orgId}`, sql`e.ingested_at >= ${after}`, ...linkConds(l, before)];
      return sql`select ${l.id}::text as link_id, e.event_id, e.ingested_at, q.v as quantity, ${creditsOf(l, sql`q.v`)} as credits
                   from usage_events e, lateral (select ${quantityOf(l)} as v) q
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
 * and none is neither. One index probe per event (credit_drawdowns_link_through_idx): billing
 * only, never the ingest or drawdown path. `reads`: a row source aliased
 * `t(j int, o text, k text, f timestamptz, u timestamptz)`.
 */
export function drawnQuantitySql(meterLinks: DrawdownLink[], reads: SQL): SQL {
  const anyLink = sql.join(
    meterLinks.map((l) => {
      // The link's drawdown covering the event's ingestion instant: the first range ending after it
      // (ranges of one organization never overlap: each starts at the cursor the previous one set).
      const drawn = sql`(select d.from_ingested_at from credit_drawdowns d
                          where d.org_id = e.org_id and d.link_id = ${l.id} and d.through_ingested_at > e.ingested_at
                          order by d.through_ingested_at limit 1) <= e.ingested_at`;
      const pending =
        l.live && l.creditsPerUnit !== null
          ? sql` or e.ingested_at >= coalesce(cur.drawn_through, '-infinity'::timestamptz)`
          : sql``;
      return sql`(${sql.join(linkConds(l, null), sql` and `)} and (${drawn}${pending}))`;
    }),
    sql` or `,
  );
  return sql`select t.j, case when t.k is null then null else e.properties ->> t.k end as g, sum(${quantityOf(meterLinks[0]!)})::text as q
               from ${reads} join usage_events e on e.org_id = t.o and e."timestamp" >= t.f and e."timestamp" < t.u
               left join credit_drawdown_cursors cur on cur.org_id = t.o
              where ${anyLink}
              group by 1, 2`;
}
