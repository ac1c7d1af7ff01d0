// The meters the ingest path reads events with, a copy in memory (lib/cache/catalog-copy.ts):
// ingestion looks them up for every event, and the catalog changes rarely. A change of a meter
// drops the copy on every replica at once; past 5 seconds it is read anew behind the requests it
// serves. An event name it does not know reloads it at once (at most once per ingest call), so a
// meter created a moment ago reads the very next event.
import "server-only";
import { onInvalidate } from "@/lib/cache/invalidation";
import { catalogCopy } from "@/lib/cache/catalog-copy";
import { asc } from "drizzle-orm";
import { type Executor } from "@/lib/db/client";
import { meters, type Aggregation } from "@/lib/db/schema";

export type MeterDef = {
  id: string;
  code: string;
  name: string;
  eventName: string;
  aggregation: Aggregation;
  property: string | null;
  filters: Record<string, string[]>;
  groupBy: string[];
  unit: string;
  /** A sum meter that takes negative values (corrections); otherwise a negative value rejects the event. */
  allowNegative: boolean;
  archived: boolean;
};

export type MeterIndex = {
  loadedAt: number;
  all: MeterDef[];
  byCode: Map<string, MeterDef>;
  byId: Map<string, MeterDef>;
  /** Active (not archived) meters by the event name they read. */
  byEvent: Map<string, MeterDef[]>;
};

async function load(tx: Executor): Promise<MeterIndex> {
  const rows = await tx.select().from(meters).orderBy(asc(meters.code));
  const all: MeterDef[] = rows.map((m) => ({
    id: m.id,
    code: m.code,
    name: m.name,
    eventName: m.eventName,
    aggregation: m.aggregation,
    property: m.property,
    filters: m.filters ?? {},
    groupBy: m.groupBy ?? [],
    unit: m.unit,
    allowNegative: m.allowNegative,
    archived: m.archivedAt !== null,
  }));
  const byEvent = new Map<string, MeterDef[]>();
  for (const m of all) {
    if (m.archived) continue;
    const list = byEvent.get(m.eventName);
    if (list) list.push(m);
    else byEvent.set(m.eventName, [m]);
  }
  return {
    loadedAt: Date.now(),
    all,
    byCode: new Map(all.map((m) => [m.code, m])),
    byId: new Map(all.map((m) => [m.id, m])),
    byEvent,
  };
}

const copy = catalogCopy("metering.meters", load);

/**
 * The meter index, from the process's copy (lib/cache/catalog-copy.ts). Inside a caller's
 * transaction (PGlite has one connection) pass its executor so a read does not wait on the transaction.
 */
export const meterIndex = (opts: { fresh?: boolean; tx?: Executor } = {}): Promise<MeterIndex> => copy.get(opts);

/** The index, reloaded when it lacks one of these event names (a meter may have just been created). */
export async function meterIndexFor(eventNames: Iterable<string>, tx?: Executor): Promise<MeterIndex> {
  const index = await meterIndex({ tx });
  for (const name of eventNames) {
    if (!index.byEvent.has(name)) return Date.now() - index.loadedAt < 50 ? index : meterIndex({ fresh: true, tx });
  }
  return index;
}

/** This process sees meters anew; the catalog broadcasts "catalog:meters" so every replica does at once. */
export function invalidateMeters(): void {
  copy.invalidate();
}
onInvalidate("catalog", (what) => {
  if (what === "meters") invalidateMeters();
});
