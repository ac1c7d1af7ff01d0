// Correcting usage (docs/usage-corrections.md): an operator retracts a customer's usage events —
// by event id, or by time range narrowed by event name and property values — with a reason, and
// sends corrected events through normal ingestion under new ids.
//
// A correction is created (idempotently, with the request's key) and then runs in batches of
// BATCH_SIZE events, each its own REPEATABLE READ transaction: move the batch's events from
// usage_events to usage_events_retracted, rebuild the rollups of the hours they were in from the
// events that remain (rollup-rebuild.ts), advance the correction's cursor and counts. Usage reads
// never wait on a correction: each batch commits in well under a second, and between batches every
// read sees a consistent state (an hour's rollups always match its remaining events). The request
// runs batches for up to INLINE_BUDGET_MS and answers; the metering.corrections job finishes the
// rest, so a million events never hold a request open.
//
// Event ids identify one event forever: a retracted event's key stays in event_keys, so the same
// id sent again is a duplicate (a sender's retry cannot bring a retracted event back). Corrected
// events go in under new ids.
import "server-only";
import { and, desc, eq, lt, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { actorLabel, type Actor } from "@/lib/auth/actor";
import { drawdownLinks } from "@/lib/credits/drawdown-links";
import { db, type Executor } from "@/lib/db/client";
import { isSerializationFailure } from "@/lib/db/errors";
import { date, int, json, nullable, selectRows, text } from "@/lib/db/rows";
import { usageCorrections, type CorrectionSelector, type UsageCorrection } from "@/lib/db/schema";
import { AppError, notFound } from "@/lib/http/errors";
import { ZCursor, ZIdempotencyKey, ZLimit } from "@/lib/http/schemas";
import { idempotent } from "@/lib/idempotency/idempotent";
import type { Job } from "@/lib/jobs/runner";
import { newId } from "@/lib/ids";
import { log } from "@/lib/log";
import { processState } from "@/lib/process-state";
import { meterIndex } from "./meters";
import { refundDrawnCredits } from "./correction-refunds";
import { rebuildRollups } from "./rollup-rebuild";

/** Events moved per transaction: ~0.2–0.5 s of work, so reads and ingest never queue behind one for long. */
export const BATCH_SIZE = 10_000;
/** How long the retract request itself runs batches before answering (the job continues). */
export const INLINE_BUDGET_MS = 1_500;
/** Event ids per request; a range has no count limit (it runs in batches). */
export const MAX_EVENT_IDS = 1_000;
/** A range longer than this is refused: a correction names a period, not a customer's history. */
export const MAX_RANGE_DAYS = 400;
const SERIALIZATION_RETRIES = 8;

const ZCustomerRef = z.string().trim().min(1).max(200);
const ZTime = z.iso.datetime({ offset: true });

const ZRetractFields = z.object({
  customer_id: ZCustomerRef.optional().describe("Tally id or external id."),
  external_customer_id: ZCustomerRef.optional(),
  reason: z.string().trim().min(3).max(500).describe("Why: kept in the correction's audit row."),
  event_ids: z
    .array(z.string().min(1).max(255))
    .min(1)
    .max(MAX_EVENT_IDS)
    .optional()
    .describe(`The events' ids as sent (at most ${MAX_EVENT_IDS}).`),
  from: ZTime.optional().describe("Range start (inclusive), event time."),
  to: ZTime.optional().describe("Range end (exclusive), event time."),
  event_name: z.string().trim().min(1).max(200).optional().describe("Only events of this name (with a range)."),
  properties: z
    .record(z.string().min(1).max(200), z.array(z.string().max(500)).min(1).max(100))
    .optional()
    .describe('Only events whose property value (as text) is listed, e.g. {"model": ["gpt-4"]} (with a range).'),
  idempotency_key: ZIdempotencyKey.optional(),
});

/** The reference's example: by ids (a range instead takes from and to, optionally event_name and properties). */
export const ZRetractDoc = ZRetractFields.extend({ event_ids: ZRetractFields.shape.event_ids.unwrap() });

export const ZRetractBody = ZRetractFields.superRefine((b, ctx) => {
  const byIds = b.event_ids !== undefined;
  const byRange = b.from !== undefined || b.to !== undefined;
  if (byIds === byRange) {
    ctx.addIssue({
      code: "custom",
      path: byIds ? ["from"] : ["event_ids"],
      message: "name the events either by event_ids or by a range (from and to), not both",
    });
    return;
  }
  if (byIds && (b.event_name !== undefined || b.properties !== undefined))
    ctx.addIssue({
      code: "custom",
      path: ["event_name"],
      message: "filters go with a range (from and to), not with event_ids",
    });
  if (byRange) {
    if (!b.from) return void ctx.addIssue({ code: "custom", path: ["from"], message: "required with to" });
    if (!b.to) return void ctx.addIssue({ code: "custom", path: ["to"], message: "required with from" });
    const span = Date.parse(b.to) - Date.parse(b.from);
    if (span <= 0) ctx.addIssue({ code: "custom", path: ["to"], message: "must be after from" });
    else if (span > MAX_RANGE_DAYS * 86_400_000)
      ctx.addIssue({ code: "custom", path: ["to"], message: `at most ${MAX_RANGE_DAYS} days after from` });
  }
});
export type RetractBody = z.infer<typeof ZRetractBody>;

export const ZCorrectionList = z.object({
  customer_id: ZCustomerRef.optional().describe("Tally id or external id."),
  external_customer_id: ZCustomerRef.optional(),
  limit: ZLimit(100, 20),
  cursor: ZCursor.describe("next_cursor of the previous page"),
});

export const ZCorrectionJson = z.object({
  id: z.string(),
  customer_id: z.string(),
  reason: z.string(),
  selector: z.record(z.string(), z.unknown()),
  requested_by: z.string(),
  status: z.enum(["pending", "running", "completed", "failed"]),
  created_at: z.string(),
  completed_at: z.string().nullable(),
  events_retracted: z.number(),
  events_drawn: z.number().describe("Of which had already been drawn from credits."),
  events_in_billed_periods: z
    .number()
    .describe("Of which were in a period already billed: the next bill credits them."),
  credits_refunded: z
    .number()
    .describe("Credits the retracted events had drawn, given back to the buckets they came from."),
  first_event_at: z.string().nullable(),
  last_event_at: z.string().nullable(),
  error: z.string().nullable(),
});
export type CorrectionJson = z.infer<typeof ZCorrectionJson>;

export function correctionJson(c: UsageCorrection): CorrectionJson {
  return {
    id: c.id,
    customer_id: c.orgId,
    reason: c.reason,
    selector: c.selector,
    requested_by: c.requestedBy,
    status: c.status,
    created_at: c.createdAt.toISOString(),
    completed_at: c.completedAt?.toISOString() ?? null,
    events_retracted: c.eventsRetracted,
    events_drawn: c.eventsDrawn,
    events_in_billed_periods: c.eventsInBilledPeriods,
    credits_refunded: c.creditsRefunded,
    first_event_at: c.firstEventAt?.toISOString() ?? null,
    last_event_at: c.lastEventAt?.toISOString() ?? null,
    error: c.error,
  };
}

export function selectorOf(body: RetractBody): CorrectionSelector {
  if (body.event_ids) return { kind: "ids", event_ids: [...new Set(body.event_ids)] };
  return {
    kind: "range",
    from: new Date(body.from!).toISOString(),
    to: new Date(body.to!).toISOString(),
    event_name: body.event_name ?? null,
    properties: body.properties ?? {},
  };
}

/** The WHERE clause of a selector's events (the customer's, after the cursor). */
function matching(orgId: string, s: CorrectionSelector, cursor: { at: Date; id: string } | null): SQL {
  const parts: SQL[] = [sql`org_id = ${orgId}`];
  if (s.kind === "ids") {
    parts.push(sql`event_id = any(array(select json_array_elements_text(${JSON.stringify(s.event_ids)}::text::json)))`);
  } else {
    parts.push(sql`"timestamp" >= ${s.from}::timestamptz and "timestamp" < ${s.to}::timestamptz`);
    if (s.event_name) parts.push(sql`event_name = ${s.event_name}`);
    for (const [key, values] of Object.entries(s.properties ?? {}))
      parts.push(
        sql`properties ->> ${key} = any(array(select json_array_elements_text(${JSON.stringify(values)}::text::json)))`,
      );
  }
  if (cursor) parts.push(sql`("timestamp", id) > (${cursor.at.toISOString()}::timestamptz, ${cursor.id})`);
  return sql.join(parts, sql` and `);
}

export type CorrectionPreview = { events: number; inBilledPeriods: number; drawn: number };

/**
 * What a correction would retract now (the admin form's preview, before anything moves): how many
 * events the selector names, of which in a period already billed, and of which already drawn from credits.
 */
export async function previewMatching(orgId: string, s: CorrectionSelector): Promise<CorrectionPreview> {
  const [r] = await selectRows(
    { n: int, billed: int, drawn: int },
    sql`select count(*)::int as n,
               count(*) filter (where "timestamp" < (select max(late_usage_after) from subscriptions where org_id = ${orgId}))::int as billed,
               count(*) filter (where ingested_at < (select drawn_through from credit_drawdown_cursors where org_id = ${orgId}))::int as drawn
          from usage_events where ${matching(orgId, s, null)}`,
  );
  return { events: r?.n ?? 0, inBilledPeriods: r?.billed ?? 0, drawn: r?.drawn ?? 0 };
}

/** Creates a correction (idempotent by key), runs it for up to INLINE_BUDGET_MS, and answers its state. */
export async function retractUsage(
  actor: Actor,
  orgId: string,
  body: RetractBody,
  idempotencyKey: string,
  budgetMs = INLINE_BUDGET_MS,
): Promise<{ status: number; body: CorrectionJson; replayed: boolean }> {
  const selector = selectorOf(body);
  const request = { orgId, reason: body.reason, selector };
  const created = await idempotent<CorrectionJson>(
    { orgId, scope: "usage.retract", key: idempotencyKey, request },
    async (tx) => {
      const [row] = await tx
        .insert(usageCorrections)
        .values({ id: newId("ucr"), orgId, reason: body.reason, selector, requestedBy: actorLabel(actor) })
        .returning();
      return { status: 202, body: correctionJson(row!) };
    },
  );
  if (!created.replayed) await processCorrection(created.body.id, budgetMs);
  const now = await getCorrection(orgId, created.body.id);
  return { status: now.status === "completed" ? 200 : 202, body: now, replayed: created.replayed };
}

export async function getCorrection(orgId: string, id: string): Promise<CorrectionJson> {
  const [row] = await db
    .select()
    .from(usageCorrections)
    .where(and(eq(usageCorrections.orgId, orgId), eq(usageCorrections.id, id)));
  if (!row) throw notFound("Usage correction");
  return correctionJson(row);
}

/** A customer's corrections, newest first. */
export async function listCorrections(
  orgId: string,
  opts: { limit: number; cursor?: string },
): Promise<{ data: CorrectionJson[]; next_cursor: string | null }> {
  const found = await db
    .select()
    .from(usageCorrections)
    .where(and(eq(usageCorrections.orgId, orgId), opts.cursor ? lt(usageCorrections.id, opts.cursor) : undefined))
    .orderBy(desc(usageCorrections.id))
    .limit(opts.limit + 1);
  const page = found.slice(0, opts.limit);
  return {
    data: page.map(correctionJson),
    next_cursor: found.length > opts.limit ? page[page.length - 1]!.id : null,
  };
}

/** Corrections this process is running: the request and the job never run one at once here. */
const running = processState("metering.corrections", () => new Set<string>());

/** Runs a correction's batches until it is done or `budgetMs` has passed. */
export async function processCorrection(id: string, budgetMs: number): Promise<void> {
  if (running.has(id)) return;
  running.add(id);
  const until = Date.now() + budgetMs;
  try {
    for (;;) {
      if (await retractBatch(id)) return await finishCorrection(id);
      if (Date.now() >= until) return;
    }
  } catch (err) {
    log.error({ err, correction_id: id }, "usage correction batch failed; the job retries it");
    await db
      .update(usageCorrections)
      .set({ error: err instanceof Error ? err.message.slice(0, 500) : String(err) })
      .where(eq(usageCorrections.id, id));
  } finally {
    running.delete(id);
  }
}

/** One batch in its own transaction, retried when a concurrent ingest touched the same rollups. True when the correction is done. */
export async function retractBatch(id: string, size = BATCH_SIZE): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.transaction((tx) => batchIn(tx, id, size), { isolationLevel: "repeatable read" });
    } catch (e) {
      if (!isSerializationFailure(e) || attempt >= SERIALIZATION_RETRIES) throw e;
    }
  }
}

async function batchIn(tx: Executor, id: string, size: number): Promise<boolean> {
  const [c] = await tx.select().from(usageCorrections).where(eq(usageCorrections.id, id)).for("update");
  if (!c) throw new AppError("not_found", `Usage correction ${id} not found`);
  if (c.allMoved || c.status === "completed" || c.status === "failed") return true;
  // With meters priced in credits, the drawdown and this batch take turns on the customer's balance
  // row: whether a moved event was drawn (ingested before the drawdown cursor) is then exact — a
  // drawdown that read the events before this batch commits would otherwise draw them unseen.
  if ((await drawdownLinks(tx)).length > 0)
    await tx.execute(sql`select 1 from credit_balances where org_id = ${c.orgId} for update`);
  const cursor = c.cursorAt && c.cursorId ? { at: c.cursorAt, id: c.cursorId } : null;
  // The batch's last event first, then the batch as one range of the (org_id, timestamp, id) index:
  // a delete joined to a list of the batch's rows is planned as a hash join over the whole month's
  // partition, read once per batch.
  const [last] = await selectRows(
    { at: date, id: text },
    sql`select "timestamp" as at, id from usage_events where ${matching(c.orgId, c.selector, cursor)}
         order by "timestamp", id offset ${size - 1} limit 1`,
    tx,
  );
  const upTo = last ? sql` and ("timestamp", id) <= (${last.at.toISOString()}::timestamptz, ${last.id})` : sql``;
  const [moved] = await selectRows(
    {
      n: int,
      drawn: int,
      billed: int,
      lo: nullable(date),
      hi: nullable(date),
      hours: nullable(json<number[]>()),
    },
    sql`with marks as (
          select (select drawn_through from credit_drawdown_cursors where org_id = ${c.orgId}) as drawn,
                 (select max(late_usage_after) from subscriptions where org_id = ${c.orgId}) as billed
        ),
        moved as (
          delete from usage_events where ${matching(c.orgId, c.selector, cursor)}${upTo}
          returning *
        ),
        kept as (
          insert into usage_events_retracted (id, org_id, event_id, event_name, "timestamp", ingested_at, source, properties, subscription_id, id_generated, correction_id, drawn)
          select id, org_id, event_id, event_name, "timestamp", ingested_at, source, properties, subscription_id, id_generated, ${id},
                 coalesce(ingested_at < (select drawn from marks), false)
            from moved
        )
        select count(*)::int as n,
               count(*) filter (where moved.ingested_at < marks.drawn)::int as drawn,
               count(*) filter (where moved."timestamp" < marks.billed)::int as billed,
               min(moved."timestamp") as lo, max(moved."timestamp") as hi,
               json_agg(distinct (floor(extract(epoch from moved."timestamp") / 3600) * 3600000)::bigint) as hours
          from moved cross join marks`,
    tx,
  );
  const m = moved!;
  if (m.n > 0) await rebuildRollups(tx, c.orgId, (m.hours ?? []).map(Number), await meterIndex({ tx }));
  // Fewer than a batch matched: nothing after the cursor is left.
  const done = !last;
  await tx
    .update(usageCorrections)
    .set({
      status: "running",
      eventsRetracted: sql`${usageCorrections.eventsRetracted} + ${m.n}`,
      eventsDrawn: sql`${usageCorrections.eventsDrawn} + ${m.drawn}`,
      eventsInBilledPeriods: sql`${usageCorrections.eventsInBilledPeriods} + ${m.billed}`,
      firstEventAt: m.lo ? sql`least(${usageCorrections.firstEventAt}, ${m.lo.toISOString()}::timestamptz)` : undefined,
      lastEventAt: m.hi
        ? sql`greatest(${usageCorrections.lastEventAt}, ${m.hi.toISOString()}::timestamptz)`
        : undefined,
      cursorAt: last?.at,
      cursorId: last?.id,
      allMoved: done,
      error: null,
    })
    .where(eq(usageCorrections.id, id));
  return done;
}

/** After the last batch: the drawn credits of the retracted events go back (correction-refunds.ts), and the correction is completed. */
export async function finishCorrection(id: string): Promise<void> {
  const [c] = await db.select().from(usageCorrections).where(eq(usageCorrections.id, id));
  if (!c || c.status === "completed" || !c.allMoved) return;
  const refunded = await refundDrawnCredits(c);
  await db
    .update(usageCorrections)
    .set({ status: "completed", completedAt: sql`now()`, creditsRefunded: refunded, error: null })
    .where(eq(usageCorrections.id, id));
}

/** Finishes the corrections a request started (or one whose process stopped), a batch run at a time. */
export async function runOpenCorrections(budgetMs = 60_000): Promise<number> {
  const open = await db
    .select({ id: usageCorrections.id })
    .from(usageCorrections)
    .where(sql`${usageCorrections.status} in ('pending', 'running')`)
    .orderBy(usageCorrections.createdAt)
    .limit(10);
  for (const o of open) await processCorrection(o.id, budgetMs);
  return open.length;
}

export const correctionsJob: Job = { name: "metering.corrections", everyMs: 2_000, run: () => runOpenCorrections() };
