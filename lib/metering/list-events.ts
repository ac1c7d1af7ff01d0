// Reads of stored events and of the ingest log, for GET /api/v1/events and the admin's view.
import "server-only";
import { and, count, desc, eq, gte, isNull, lt, sql, type SQL } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { bool, int, json, nullable, selectRows, text } from "@/lib/db/rows";
import { ingestLog, organizations, type IngestLogRow } from "@/lib/db/schema";

export type StoredEvent = {
  id: string;
  orgId: string;
  eventId: string;
  eventName: string;
  timestamp: Date;
  ingestedAt: Date;
  source: string | null;
  properties: Record<string, unknown>;
  subscriptionId: string | null;
  idGenerated: boolean;
};

/** usage_events is partitioned by hand (no drizzle table), so its reads are SQL with this row. */
const eventRow = {
  id: text,
  org_id: text,
  event_id: text,
  event_name: text,
  /** Microseconds since the epoch: the cursor keeps Postgres's full precision. */
  ts_us: text,
  ingested_us: text,
  source: nullable(text),
  properties: json<Record<string, unknown>>(),
  subscription_id: nullable(text),
  id_generated: bool,
};

const fromMicros = (us: string) => new Date(Number(BigInt(us) / 1000n));

/** The cursor is the last row's (timestamp in µs, id): newest first, stable under ties. */
export function encodeEventCursor(e: { timestampMicros: string; id: string }): string {
  return Buffer.from(`${e.timestampMicros}|${e.id}`).toString("base64url");
}

function decodeEventCursor(cursor: string): { micros: string; id: string } | null {
  const [micros, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  return micros && /^\d+$/.test(micros) && id ? { micros, id } : null;
}

export async function listEvents(
  orgId: string,
  opts: { eventName?: string; from?: Date; to?: Date; limit: number; cursor?: string; eventId?: string },
): Promise<{ data: StoredEvent[]; nextCursor: string | null }> {
  const conditions: SQL[] = [sql`org_id = ${orgId}`];
  if (opts.eventName) conditions.push(sql`event_name = ${opts.eventName}`);
  if (opts.eventId) conditions.push(sql`event_id = ${opts.eventId}`);
  if (opts.from) conditions.push(sql`"timestamp" >= ${opts.from.toISOString()}::timestamptz`);
  if (opts.to) conditions.push(sql`"timestamp" < ${opts.to.toISOString()}::timestamptz`);
  const c = opts.cursor ? decodeEventCursor(opts.cursor) : null;
  if (c) conditions.push(sql`("timestamp", id) < (to_timestamp(${c.micros}::numeric / 1000000), ${c.id})`);
  const found = await selectRows(
    eventRow,
    sql`select id, org_id, event_id, event_name, (extract(epoch from "timestamp") * 1000000)::bigint::text as ts_us,
               (extract(epoch from ingested_at) * 1000000)::bigint::text as ingested_us, source, properties, subscription_id, id_generated
          from usage_events
         where ${sql.join(conditions, sql` and `)}
         order by "timestamp" desc, id desc
         limit ${opts.limit + 1}`,
  );
  const page = found.slice(0, opts.limit);
  const last = page[page.length - 1];
  return {
    data: page.map((r) => ({
      id: r.id,
      orgId: r.org_id,
      eventId: r.event_id,
      eventName: r.event_name,
      timestamp: fromMicros(r.ts_us),
      ingestedAt: fromMicros(r.ingested_us),
      source: r.source,
      properties: r.properties,
      subscriptionId: r.subscription_id,
      idGenerated: r.id_generated,
    })),
    nextCursor:
      found.length > opts.limit && last ? encodeEventCursor({ timestampMicros: last.ts_us, id: last.id }) : null,
  };
}

/** Events that came without an id since `since` (they cannot be deduplicated): the admin's warning figure. */
export async function countGeneratedIdEvents(orgId: string | null, since: Date): Promise<number> {
  const [row] = await selectRows(
    { n: int },
    sql`select count(*)::int as n from usage_events where id_generated and "timestamp" >= ${since.toISOString()}::timestamptz ${orgId ? sql`and org_id = ${orgId}` : sql``}`,
  );
  return row?.n ?? 0;
}

/** Duplicates and rejections, newest first; orgId null lists every customer's (and unresolved ones). */
export async function listIngestLog(
  orgId: string | null,
  opts: { limit: number; outcome?: "duplicate" | "rejected"; before?: number; unresolvedOnly?: boolean },
): Promise<IngestLogRow[]> {
  const where: SQL[] = [];
  if (orgId) where.push(eq(ingestLog.orgId, orgId));
  if (opts.unresolvedOnly) where.push(isNull(ingestLog.orgId));
  if (opts.outcome) where.push(eq(ingestLog.outcome, opts.outcome));
  if (opts.before) where.push(lt(ingestLog.id, opts.before));
  return db
    .select()
    .from(ingestLog)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(ingestLog.id))
    .limit(opts.limit);
}

export type IngestLogCounts = { duplicate: number; rejected: number };

export async function ingestLogCounts(orgId: string | null, since: Date): Promise<IngestLogCounts> {
  const found = await db
    .select({ outcome: ingestLog.outcome, n: count() })
    .from(ingestLog)
    .where(orgId ? and(gte(ingestLog.receivedAt, since), eq(ingestLog.orgId, orgId)) : gte(ingestLog.receivedAt, since))
    .groupBy(ingestLog.outcome);
  const out: IngestLogCounts = { duplicate: 0, rejected: 0 };
  for (const r of found) out[r.outcome] = r.n;
  return out;
}

/** The platform's latest duplicates and rejections with the customer's name where it was resolved. */
export async function recentIngestProblems(limit: number) {
  const found = await db
    .select({ log: ingestLog, customerName: organizations.name })
    .from(ingestLog)
    .leftJoin(organizations, eq(organizations.id, ingestLog.orgId))
    .orderBy(desc(ingestLog.id))
    .limit(limit);
  return found.map(({ log, customerName }) => ({
    id: log.id,
    orgId: log.orgId,
    customerName,
    receivedAt: log.receivedAt.toISOString(),
    outcome: log.outcome,
    eventId: log.eventId,
    eventName: log.eventName,
    customerRef: log.customerRef,
    field: log.field,
    reason: log.reason,
    via: log.via,
  }));
}
