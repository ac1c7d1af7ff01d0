// The drawdown: usage events of meters linked to credit events (drawdown-links.ts) spend credits,
// exactly once per event, in the organization's precedence order, shortly after they are stored.
//
// The ingest path is untouched: events are stored as before, and this stage follows behind it.
// Per organization a cursor (credit_drawdown_cursors.drawn_through) says up to which ingestion
// instant its events have been drawn. One drawdown is one credit movement (runOwnMovement): under
// the organization's balance lock it reads the cursor, spends the events ingested after it and
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
import { sql } from "drizzle-orm";
import { outsideTransaction, rows } from "@/lib/db/client";
import { env } from "@/lib/env";
import { newId } from "@/lib/ids";
import { log } from "@/lib/log";
import { processState } from "@/lib/process-state";
import type { OpMeta } from "./account";
import { afterMovement } from "./after-movement";
import { onDepleted } from "./drawdown-alerts";
import { linkedEventsSql } from "./drawdown-events";
import { drawdownLinks, linkedMeterIds, type DrawdownLink } from "./drawdown-links";
import { runOwnMovement } from "./movement";

/** How far behind the clock the horizon stays at least (see above). */
export const HORIZON_MARGIN_MS = 100;
/** Organizations drawn down at once by one pass. */
const DRAWDOWNS_IN_FLIGHT = 6;
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
  const byId = new Map(links.map((l) => [l.id, l]));
  const drawn: LinkDrawdown[] = [];
  let through: string | null = null;
  let before = 0;
  const outcome = await runOwnMovement(orgId, now, {}, async (account, ctx) => {
    before = account.balance;
    const [{ h } = { h: "" }] = await rows<{ h: string }>(horizonSql(margin), ctx.tx);
    const events = linkedEventsSql(
      orgId,
      links,
      sql`coalesce((select drawn_through from c), '-infinity'::timestamptz)`,
      sql`${h}::timestamptz`,
    );
    const grouped = await rows<Grouped>(
      sql`with c as (select drawn_through from credit_drawdown_cursors where org_id = ${orgId}),
               ev as (${events}),
               g as (select link_id, count(*)::int as n, sum(quantity)::text as quantity, sum(credits)::text as credits,
                            (array_agg(event_id order by ingested_at, event_id))[1] as first_id,
                            (array_agg(event_id order by ingested_at desc, event_id desc))[1] as last_id
                       from ev group by link_id)
          select (select drawn_through::text from c) as cursor,
                 ${h}::timestamptz > coalesce((select drawn_through from c), '-infinity'::timestamptz) as ahead,
                 g.* from (select 1) one left join g on true order by g.link_id`,
      ctx.tx,
    );
    const cursor = grouped[0]?.cursor ?? null;
    // The cursor never moves back (a horizon held back by an old open transaction can be behind it).
    if (!grouped[0]?.ahead) return;
    through = h;
    const from = cursor ?? "-infinity";
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
        const spend = ctx.settings.allowOverage ? credits : Math.min(credits, Math.max(0, account.balance));
        short = credits - spend;
        if (spend > 0) overage = account.consume(spend, meta, ctx.settings.allowOverage).overage;
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
    const json = (v: unknown) => sql`${JSON.stringify(v)}::text::jsonb`;
    ctx.extraWrites = () => [
      sql`dd_cursor as (insert into credit_drawdown_cursors as c (org_id, drawn_through, updated_at)
            values (${orgId}, ${h}::timestamptz, ${now.toISOString()}::timestamptz)
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
  });
  await afterMovement(orgId, outcome);
  if (before > 0 && outcome.balance <= 0) await onDepleted(orgId, outcome.balance, now);
  return { orgId, drawn, through, balance: outcome.balance };
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

/**
 * The organizations with events of linked meters ingested after their cursor: what the sweep
 * draws down (one index probe per organization). Catches what no kick announced: events stored by
 * another replica, a kick lost to a restart, events still inside the horizon's margin at the kick.
 */
export async function organizationsBehind(): Promise<string[]> {
  const links = await drawdownLinks();
  if (links.length === 0) return [];
  const names = [...new Set(links.map((l) => l.eventName))];
  const since = links.reduce((m, l) => (l.createdAt < m ? l.createdAt : m), links[0]!.createdAt);
  const list = await rows<{ id: string }>(
    sql`select o.id from organizations o left join credit_drawdown_cursors c on c.org_id = o.id
         where exists (select 1 from usage_events e
                        where e.org_id = o.id and e.ingested_at > greatest(coalesce(c.drawn_through, '-infinity'::timestamptz), ${since.toISOString()}::timestamptz)
                          and e.event_name = any(${`{${names.map((n) => JSON.stringify(n)).join(",")}}`}::text[]))
         order by o.id`,
  );
  return list.map((r) => r.id);
}

/** Draws down the given organizations (default: every one behind), a few at a time. */
export async function runDrawdown(
  orgIds?: string[],
  now?: Date,
  opts: { marginMs?: number; known?: boolean } = {},
): Promise<DrawdownResult[]> {
  const ids = orgIds ?? (await organizationsBehind());
  const out: DrawdownResult[] = [];
  let next = 0;
  // A few organizations at a time: each is its own short transaction on its own lock.
  await Promise.all(
    Array.from({ length: Math.min(DRAWDOWNS_IN_FLIGHT, ids.length) }, async () => {
      while (next < ids.length) {
        const id = ids[next++]!;
        try {
          out.push(await drawDown(id, now ?? new Date(), opts));
        } catch (err) {
          log.warn({ err, org_id: id }, "credit drawdown failed; the sweep retries it");
        }
      }
    }),
  );
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
        .catch((err) => log.warn({ err }, "credit drawdown failed; the sweep retries it"))
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
