// The drawdown: usage events of meters linked to credit events (drawdown-links.ts) spend credits,
// exactly once per event, in the organization's precedence order, shortly after they are stored.
//
// The ingest path is untouched: events are stored as before, and this stage follows behind it.
// Per organization a cursor (credit_drawdown_cursors.drawn_through) says up to which ingestion
// instant its events have been drawn. One drawdown is one credit movement (runOwnMovement): under
// the organization's balance lock it reads the cursor, spends the events ingested at or after it and
// before a horizon, one ledger operation per linked meter (kind consume, naming the meter and the
// first and last event it covers, keyed drawdown:<link>:<from>:<through>), and moves the cursor —
// the ledger rows, the drawdown rows and the cursor in the movement's one write statement. A
// drawdown running twice at once (two replicas, a kick and the sweep) queues on the lock and the
// second finds the cursor moved; a duplicate event was never stored (event_keys), and a retried
// batch stores nothing twice: so each event is spent once.
//
// The horizon. An event's ingested_at is its storing transaction's start time (now()), and that
// transaction may commit later than one that started after it: a cursor moved past a time at which
// a transaction was still open would skip its events. So the horizon is the earlier of the clock
// less HORIZON_MARGIN_MS and the start of the oldest transaction still open in this database
// (pg_stat_activity), read in a statement before the one that reads the events: every event
// ingested before the horizon was committed (or never will be) before the events are read. The
// margin covers the moment between a transaction taking its start time and publishing it. (Only
// sessions of the same database role are visible in pg_stat_activity to a role without
// pg_read_all_stats: Tally's own sessions are.)
//
// Stop or overage (the organization's allow_overage): with overage allowed, usage beyond the
// balance is spent as overage (billed in arrears on the period invoice at the overage price per
// credit, lib/payments/period-lines.ts); without, the drawdown spends what is left and records the
// rest as short_credits — the usage was already accepted; entitlements (drawdown-read.ts) refuse
// further use once the balance, counting usage not yet drawn, cannot pay for it.
import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { outsideTransaction, pipelinedTransaction, rows } from "@/lib/db/client";
import { env } from "@/lib/env";
import { newId } from "@/lib/ids";
import { log } from "@/lib/log";
import { metrics } from "@/lib/metrics";
import { processState } from "@/lib/process-state";
import type { CreditAccount, OpMeta } from "./account";
import { afterMovement } from "./after-movement";
import { linkedEventsSql } from "./drawdown-events";
import { drawdownLinks, linkedMeterIds, type DrawdownLink } from "./drawdown-links";
import { runOwnMovement, type MovementOutcome } from "./movement";
import { depletedCrossing, lowBalanceCrossing } from "./movement-decide";
import {
  decodeGroupState,
  GROUP_LOCK_TIMEOUT,
  groupStateSql,
  groupWrites,
  lockBalancesSql,
  openGroupAccount,
  settleGroupStep,
  type GroupAccount,
  type GroupStateRow,
} from "./movement-group";
import type { AccountSettings, BalanceRow } from "./movement-load";
import { json, writeSql } from "./movement-write";

/** How far behind the clock the horizon stays at least (see above). */
export const HORIZON_MARGIN_MS = 100;
/** Most organizations drawn down in one transaction (drawDownGroup). */
const GROUP_SIZE = 100;
/** Groups of one pass running at once. */
const GROUPS_IN_FLIGHT = 2;
/** After a kick, the drawdown waits this long, gathering the organizations of further ingests. */
const KICK_DELAY_MS = 150;

export type LinkDrawdown = {
  linkId: string;
  meter: string;
  creditEvent: string;
  events: number;
  quantity: string;
  credits: number;
  overage: number;
  short: number;
  firstEventId: string;
  lastEventId: string;
};

/** `balance`: the ledger balance after the drawdown; null when there was nothing to draw (no movement ran). */
export type DrawdownResult = { orgId: string; drawn: LinkDrawdown[]; through: string | null; balance: number | null };

type Grouped = {
  cursor: string | null;
  ahead: boolean;
  link_id: string | null;
  n: number | null;
  quantity: string | null;
  credits: string | null;
  first_id: string | null;
  last_id: string | null;
};

const horizonSql = (marginMs: number) => sql`select least(clock_timestamp() - make_interval(secs => ${marginMs / 1000}),
                               (select min(xact_start) from pg_stat_activity
                                 where datname = current_database() and pid <> pg_backend_pid() and xact_start is not null))::text as h`;

/** Draws down one organization's events ingested since its cursor. Safe to run any number of times at once. */
export async function drawDown(
  orgId: string,
  now = new Date(),
  opts: { marginMs?: number; known?: boolean } = {},
): Promise<DrawdownResult> {
  const links = await drawdownLinks();
  if (links.length === 0) return { orgId, drawn: [], through: null, balance: null };
  const margin = opts.marginMs ?? HORIZON_MARGIN_MS;
  // `known`: a kick knows the customer just stored events of a linked meter; the sweep checks first.
  if (!opts.known && !(await hasUsageToDraw(orgId, links, margin, now)))
    return { orgId, drawn: [], through: null, balance: null };
  return drawDownNow(orgId, links, margin, now);
}

/**
 * True when the customer has events of a linked meter after its cursor. Otherwise the cursor moves
 * up to the horizon without the balance lock — never back (greatest), and only past events that
 * are all visible and none linked — so exact reads scan little, and false.
 */
async function hasUsageToDraw(orgId: string, links: DrawdownLink[], margin: number, now: Date): Promise<boolean> {
  const [{ h: quick } = { h: "" }] = await rows<{ h: string }>(horizonSql(margin));
  const cursorOf = sql`coalesce((select drawn_through from credit_drawdown_cursors where org_id = ${orgId}), '-infinity'::timestamptz)`;
  const [{ behind } = { behind: true }] = await rows<{ behind: boolean }>(
    sql`select exists (${linkedEventsSql(orgId, links, cursorOf, null)}) as behind`,
  );
  if (!behind) {
    await rows(
      sql`insert into credit_drawdown_cursors as c (org_id, drawn_through, updated_at)
          select ${orgId}, ${quick}::timestamptz, ${now.toISOString()}::timestamptz where exists (select 1 from organizations where id = ${orgId})
          on conflict (org_id) do update set drawn_through = greatest(c.drawn_through, excluded.drawn_through), updated_at = excluded.updated_at`,
    );
    return false;
  }
  return true;
}

async function drawDownNow(orgId: string, links: DrawdownLink[], margin: number, now: Date): Promise<DrawdownResult> {
  let drawn: LinkDrawdown[] = [];
  let through: string | null = null;
  const outcome = await runOwnMovement(orgId, now, {}, async (account, ctx) => {
    const [{ h } = { h: "" }] = await rows<{ h: string }>(horizonSql(margin), ctx.tx);
    const grouped = await rows<Grouped>(groupedSql([orgId], links, sql`${h}::timestamptz`), ctx.tx);
    // The cursor never moves back (a horizon held back by an old open transaction can be behind it).
    if (!grouped[0]?.ahead) return;
    through = h;
    const spent = spendLinks(orgId, account, ctx.settings, grouped, links, h);
    drawn = spent.drawn;
    ctx.extraWrites = () => drawdownWrites([{ org_id: orgId, through: h }], spent.rows, now);
  });
  await afterMovement(orgId, outcome, now);
  return { orgId, drawn, through, balance: outcome.balance };
}

/**
 * Per organization (in id order) and linked meter, the events after the organization's cursor and
 * before `horizon`, summed: count, quantity, credits, first and last event. One row per
 * organization with no events (link_id null); `ahead` says whether the horizon is past the cursor.
 */
function groupedSql(orgIds: string[], links: DrawdownLink[], horizon: SQL): SQL {
  const events = linkedEventsSql(sql`o.org_id`, links, sql`coalesce(o.cursor, '-infinity'::timestamptz)`, horizon);
  return sql`with o as (select v.id as org_id, c.drawn_through as cursor
                          from jsonb_array_elements_text(${json(orgIds)}) as v(id) left join credit_drawdown_cursors c on c.org_id = v.id)
             select o.org_id, o.cursor::text as cursor, ${horizon} > coalesce(o.cursor, '-infinity'::timestamptz) as ahead, g.*
               from o left join lateral (
                      select link_id, count(*)::int as n, sum(quantity)::text as quantity, sum(credits)::text as credits,
                             (array_agg(event_id order by ingested_at, event_id))[1] as first_id,
                             (array_agg(event_id order by ingested_at desc, event_id desc))[1] as last_id
                        from (${events}) ev group by link_id) g on true
              order by o.org_id, g.link_id`;
}

/**
 * The spends of one organization's pending usage on its account, in memory: one ledger operation
 * per linked meter (stop: what the balance pays, the rest recorded short; overage: all of it), and
 * the credit_drawdowns rows that record them.
 */
function spendLinks(
  orgId: string,
  account: CreditAccount,
  settings: AccountSettings,
  grouped: Grouped[],
  links: DrawdownLink[],
  h: string,
): { drawn: LinkDrawdown[]; rows: Record<string, unknown>[] } {
  const byId = new Map(links.map((l) => [l.id, l]));
  const from = grouped[0]?.cursor ?? "-infinity";
  const drawn: LinkDrawdown[] = [];
  const rowsOut: Record<string, unknown>[] = [];
  for (const g of grouped) {
    if (!g.link_id) continue;
    const link = byId.get(g.link_id)!;
    const credits = Number(g.credits ?? 0);
    const operationId = newId("led");
    let overage = 0;
    let short = 0;
    if (credits > 0) {
      const meta: OpMeta = {
        operationId,
        actor: "job:credits.drawdown",
        idempotencyKey: `drawdown:${link.id}:${from}:${h}`,
        creditEvent: link.creditEvent,
        quantity: g.quantity,
        reference: `meter:${link.meterCode} ${g.first_id}…${g.last_id} (${g.n} events)`,
        reason: "usage drawdown",
      };
      const spend = settings.allowOverage ? credits : Math.min(credits, Math.max(0, account.balance));
      short = credits - spend;
      if (spend > 0) overage = account.consume(spend, meta, settings.allowOverage).overage;
    }
    const d: LinkDrawdown = {
      linkId: link.id,
      meter: link.meterCode,
      creditEvent: link.creditEvent,
      events: Number(g.n),
      quantity: g.quantity ?? "0",
      credits,
      overage,
      short,
      firstEventId: g.first_id!,
      lastEventId: g.last_id!,
    };
    drawn.push(d);
    rowsOut.push(drawdownRow(orgId, link, d, operationId, credits - short > 0, from, h));
  }
  return { drawn, rows: rowsOut };
}

/** The drawdown's share of the movement's one write statement: the cursors moved and the drawdown rows. */
function drawdownWrites(
  cursors: { org_id: string; through: string }[],
  rowsOut: Record<string, unknown>[],
  now: Date,
): SQL[] {
  return [
    sql`dd_cursor as (insert into credit_drawdown_cursors as c (org_id, drawn_through, updated_at)
          select v.org_id, v.through, ${now.toISOString()}::timestamptz from jsonb_to_recordset(${json(cursors)}) as v(org_id text, through timestamptz)
          order by v.org_id
          on conflict (org_id) do update set drawn_through = greatest(c.drawn_through, excluded.drawn_through), updated_at = excluded.updated_at returning 1)`,
    ...(rowsOut.length
      ? [
          sql`dd_rows as (insert into credit_drawdowns (id, org_id, operation_id, link_id, meter_id, credit_event, from_ingested_at, through_ingested_at,
                            event_count, first_event_id, last_event_id, quantity, credits, overage_credits, short_credits, created_at)
                select v.id, v.org_id, v.operation_id, v.link_id, v.meter_id, v.credit_event, v.from_at, v.through_at, v.n, v.first_id, v.last_id,
                       v.quantity, v.credits, v.overage, v.short, ${now.toISOString()}::timestamptz
                  from jsonb_to_recordset(${json(rowsOut)}) as v(id text, org_id text, operation_id text, link_id text, meter_id text, credit_event text,
                       from_at timestamptz, through_at timestamptz, n int, first_id text, last_id text, quantity numeric, credits bigint, overage bigint, short bigint)
                returning 1)`,
        ]
      : []),
  ];
}

/**
 * Draws down many organizations in one transaction, the way the credit spend group does
 * (movement-group.ts): with BEGIN, the lock of every balance row (in id order, so two passes never
 * deadlock, waiting at most GROUP_LOCK_TIMEOUT), the horizon (kept in a transaction setting, so the
 * pipelined statements behind it use it), the read of every account and one aggregate statement
 * for every organization's pending usage; the spends applied in memory; one write statement with
 * COMMIT that writes the ledger rows, the drawdown rows and every cursor moved. Three round trips
 * for the whole group, where one organization on its own takes four. Each organization's cursor
 * moves in the statement that records its spends, as in drawDownNow: exactly once holds the same
 * way. An organization without a balance row yet is answered "alone" (drawDown creates it). Any
 * failure throws and writes nothing: the caller then draws each organization on its own.
 */
export async function drawDownGroup(
  orgIds: string[],
  links: DrawdownLink[],
  margin: number,
  now: Date,
): Promise<Map<string, DrawdownResult | "alone">> {
  const ids = [...new Set(orgIds)].sort();
  const codes = [...new Set(links.map((l) => l.creditEvent))];
  const horizon = sql`current_setting('tally.drawdown_horizon')::timestamptz`;
  const out = new Map<string, DrawdownResult | "alone">();
  const alerts: { orgId: string; before: number; after: number; low: MovementOutcome<void>["lowBalance"] }[] = [];
  await pipelinedTransaction(async ({ tx, commitWith }) => {
    const [, locked, [{ h } = { h: "" }], [state], grouped] = await Promise.all([
      rows(sql`select set_config('lock_timeout', ${GROUP_LOCK_TIMEOUT}, true)`, tx),
      rows<BalanceRow & { org_id: string }>(lockBalancesSql(ids), tx),
      // After the locks, before the events are read (see the horizon above).
      rows<{ h: string }>(sql`select set_config('tally.drawdown_horizon', (${horizonSql(margin)}), true) as h`, tx),
      rows<GroupStateRow>(groupStateSql(ids, codes, now), tx),
      rows<Grouped & { org_id: string }>(groupedSql(ids, links, horizon), tx),
    ]);
    const state0 = decodeGroupState(state);
    const balances = new Map(locked.map((b) => [b.org_id, b]));
    const byOrg = new Map<string, Grouped[]>();
    for (const g of grouped) byOrg.set(g.org_id, [...(byOrg.get(g.org_id) ?? []), g]);
    const accounts = new Map<string, GroupAccount>();
    const cursors: { org_id: string; through: string }[] = [];
    const ddRows: Record<string, unknown>[] = [];
    for (const orgId of ids) {
      const bal = balances.get(orgId);
      if (!bal) {
        out.set(orgId, "alone");
        continue;
      }
      const a = openGroupAccount(orgId, bal, state0, now);
      accounts.set(orgId, a);
      const mine = byOrg.get(orgId) ?? [];
      let drawn: LinkDrawdown[] = [];
      let through: string | null = null;
      if (mine[0]?.ahead) {
        const mark = a.account.entries.length;
        const spent = spendLinks(orgId, a.account, a.settings, mine, links, h);
        settleGroupStep(a, mark, state0.pack);
        drawn = spent.drawn;
        through = h;
        cursors.push({ org_id: orgId, through: h });
        ddRows.push(...spent.rows);
      }
      out.set(orgId, { orgId, drawn, through, balance: a.account.balance });
      alerts.push({
        orgId,
        before: a.balance,
        after: a.account.balance,
        low: lowBalanceCrossing(a.settings, a.settings.lastAllocation, a.balance, a.account.balance),
      });
    }
    const writes = groupWrites(accounts);
    if (writes.length || cursors.length)
      await commitWith(writeSql(writes, now, cursors.length ? drawdownWrites(cursors, ddRows, now) : []));
    for (const w of writes) for (const e of w.entries) metrics.creditMovements.inc({ kind: e.kind });
  });
  for (const { orgId, before, after, low } of alerts) {
    await afterMovement(orgId, { lowBalance: low, depleted: depletedCrossing(before, after) }, now);
  }
  return out;
}

function drawdownRow(
  orgId: string,
  link: DrawdownLink,
  d: LinkDrawdown,
  operationId: string,
  spent: boolean,
  from: string,
  through: string,
): Record<string, unknown> {
  return {
    id: operationId,
    org_id: orgId,
    operation_id: spent ? operationId : null,
    link_id: link.id,
    meter_id: link.meterId,
    credit_event: link.creditEvent,
    from_at: from,
    through_at: through,
    n: d.events,
    first_id: d.firstEventId,
    last_id: d.lastEventId,
    quantity: d.quantity,
    credits: d.credits,
    overage: d.overage,
    short: d.short,
  };
}

/** How often the sweep looks at every organization's events since its cursor, not only the newest. */
export const FULL_SWEEP_MS = 5 * 60_000;

/**
 * What this process's sweep has looked at: every event ingested before `through` (the horizon of
 * its last look, taken before that look read), so the next look probes only events ingested since.
 * `failed`: organizations whose drawdown failed here, retried by every sweep until one succeeds.
 * A full look (at start, then every FULL_SWEEP_MS) catches what another replica's failures or a
 * crash left behind.
 */
const swept = processState("credits.drawdown-swept", () => ({
  through: null as string | null,
  fullAt: 0,
  failed: new Set<string>(),
}));

/**
 * The organizations with events of linked meters ingested after their cursor: what the sweep
 * draws down. Catches what no kick announced: events stored by another replica, a kick lost to a
 * restart, events still inside the horizon's margin at the kick, a drawdown that failed.
 *
 * One probe per organization (the lateral `limit 1` on usage_events_org_ingested_idx): a semi-join
 * here was planned as a hash of every event ingested since the oldest link — a parallel scan of
 * the whole table each second (776 ms at 0.9 M events, growing with them; docs/benchmarks.md).
 * And after a full look, each probe starts at the previous look's horizon, so an organization
 * whose events are not priced (never drawn, so its cursor never moves) costs an empty index range.
 */
export async function organizationsBehind(marginMs = HORIZON_MARGIN_MS): Promise<string[]> {
  const links = await drawdownLinks();
  if (links.length === 0) return [];
  const names = [...new Set(links.map((l) => l.eventName))];
  const since = links.reduce((m, l) => (l.createdAt < m ? l.createdAt : m), links[0]!.createdAt);
  const full = swept.through === null || Date.now() - swept.fullAt >= FULL_SWEEP_MS;
  // Taken before the read: every event ingested before it is committed (or never will be) by then.
  const [{ h } = { h: "" }] = await rows<{ h: string }>(horizonSql(marginMs));
  const from = full ? sql`'-infinity'::timestamptz` : sql`${swept.through}::timestamptz`;
  const list = await rows<{ id: string }>(
    sql`select o.id from organizations o left join credit_drawdown_cursors c on c.org_id = o.id
         cross join lateral (select 1 from usage_events e
                              where e.org_id = o.id and e.ingested_at >= coalesce(c.drawn_through, '-infinity'::timestamptz)
                                and e.ingested_at > ${since.toISOString()}::timestamptz and e.ingested_at >= ${from}
                                and e.event_name = any(${`{${names.map((n) => JSON.stringify(n)).join(",")}}`}::text[])
                              limit 1) x
         order by o.id`,
  );
  if (h) swept.through = h;
  if (full) swept.fullAt = Date.now();
  return [...new Set([...list.map((r) => r.id), ...swept.failed])];
}

/** The pass this process is running, if any: passes of one process run one after another. */
const passes = processState("credits.drawdown-passes", () => ({ last: Promise.resolve() as Promise<unknown> }));

/**
 * Draws down the given organizations (default: every one behind): up to GROUP_SIZE of them in one
 * transaction (drawDownGroup), two groups at a time. A group that fails wrote nothing; its
 * organizations are then drawn down one by one, so one customer's failure (a lock held too long,
 * a broken account) delays only that customer — the others are drawn in the same pass.
 *
 * One pass at a time per process: a kick's pass and the sweep's, run at once, locked the same
 * balance rows in two transactions — the second waited for the first (lock waits on
 * pg_stat_activity under bulk ingestion), and a group that waited past GROUP_LOCK_TIMEOUT fell back
 * to drawing its hundred customers one by one, four round trips each. Queued here, the later pass
 * starts when the earlier ends and finds their cursors moved. Other replicas still meet on the locks.
 */
export function runDrawdown(
  orgIds?: string[],
  now?: Date,
  opts: { marginMs?: number; known?: boolean } = {},
): Promise<DrawdownResult[]> {
  const run = passes.last.then(() => runDrawdownNow(orgIds, now, opts));
  passes.last = run.catch(() => undefined);
  return run;
}

async function runDrawdownNow(
  orgIds: string[] | undefined,
  now: Date | undefined,
  opts: { marginMs?: number; known?: boolean },
): Promise<DrawdownResult[]> {
  // The sweep leaves the organizations a kick has queued to its next pass (within KICK_DELAY_MS).
  const ids = [
    ...new Set(orgIds ?? (await organizationsBehind(opts.marginMs)).filter((id) => !kick.orgs.has(id))),
  ].sort();
  if (ids.length === 0) return [];
  const links = await drawdownLinks();
  if (links.length === 0) return [];
  const margin = opts.marginMs ?? HORIZON_MARGIN_MS;
  const out: DrawdownResult[] = [];
  const one = async (id: string) => {
    try {
      out.push(await drawDown(id, now ?? new Date(), opts));
    } catch (err) {
      swept.failed.add(id);
      log.warn({ err, org_id: id }, "credit drawdown failed; the sweep retries it");
    }
  };
  const groups: string[][] = [];
  for (let i = 0; i < ids.length; i += GROUP_SIZE) groups.push(ids.slice(i, i + GROUP_SIZE));
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(GROUPS_IN_FLIGHT, groups.length) }, async () => {
      while (next < groups.length) {
        const group = groups[next++]!;
        let results: Map<string, DrawdownResult | "alone">;
        try {
          results = await drawDownGroup(group, links, margin, now ?? new Date());
        } catch (err) {
          log.warn({ err, orgs: group.length }, "credit drawdown group failed; its customers are drawn one by one");
          for (const id of group) await one(id);
          continue;
        }
        for (const [id, r] of results) {
          if (r === "alone") await one(id);
          else out.push(r);
        }
      }
    }),
  );
  for (const r of out) swept.failed.delete(r.orgId);
  return out;
}

const kick = processState("credits.drawdown-kick", () => ({
  timer: undefined as NodeJS.Timeout | undefined,
  /** Organizations to draw down, with how many passes have looked at them since their last kick. */
  orgs: new Map<string, number>(),
  running: false,
}));

/**
 * Called after events are stored: draws down their organizations shortly after (gathering the
 * organizations of further ingests meanwhile), and once more after the horizon's margin when an
 * organization still has events the first pass could not take yet.
 */
export function kickDrawdown(touched: Map<string, Set<string>>): void {
  if (env().NODE_ENV === "test") return;
  const linked = linkedMeterIds();
  if (linked?.size === 0) return;
  for (const [orgId, meterIds] of touched) {
    if (linked && ![...meterIds].some((m) => linked.has(m))) continue;
    kick.orgs.set(orgId, 0);
  }
  schedule(KICK_DELAY_MS);
}

function schedule(delay: number): void {
  if (kick.timer || kick.orgs.size === 0) return;
  kick.timer = outsideTransaction(() =>
    setTimeout(() => {
      kick.timer = undefined;
      if (kick.running) return schedule(delay);
      const looked = new Map(kick.orgs);
      kick.orgs.clear();
      kick.running = true;
      runDrawdown([...looked.keys()].sort(), undefined, { known: true })
        .then((results) => {
          // A second look after a pass that drew something, or that was the first after a kick:
          // events inside the horizon's margin are taken then rather than by the sweep.
          for (const r of results)
            if ((r.drawn.length > 0 || looked.get(r.orgId) === 0) && !kick.orgs.has(r.orgId)) kick.orgs.set(r.orgId, 1);
        })
        .catch((err) => {
          for (const id of looked.keys()) swept.failed.add(id);
          log.warn({ err }, "credit drawdown failed; the sweep retries it");
        })
        .finally(() => {
          kick.running = false;
          schedule(KICK_DELAY_MS);
        });
    }, delay),
  );
  kick.timer.unref();
}

/** The sweep (every second): whatever no kick took. */
export const drawdownJob = {
  name: "credits.drawdown",
  everyMs: 1_000,
  run: async (now: Date) => (await runDrawdown(undefined, now)).length,
};
