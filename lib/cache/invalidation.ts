// Process caches (API keys, customer references) are dropped everywhere when what they hold
// changes: the change NOTIFYs on Postgres and every replica LISTENs (boot). PGlite is one process,
// where the local dispatch is all there is. Handlers live in lib/process-state.ts so that both module graphs
// of a process (Next's and the fast path's) hear the same notification.
import "server-only";
import { processState } from "@/lib/process-state";
import { sql } from "drizzle-orm";
import { db, driver, type Executor } from "@/lib/db/client";
import { log } from "@/lib/log";

export const INVALIDATION_CHANNEL = "tally_cache_invalidate";
type Handler = (id: string) => void;
const registry = processState("cache.invalidation-handlers", () => new Map<string, Set<Handler>>());

export function onInvalidate(kind: string, handler: Handler): void {
  const set = registry.get(kind) ?? new Set<Handler>();
  set.add(handler);
  registry.set(kind, set);
}

function dispatch(payload: string): void {
  const at = payload.indexOf(":");
  for (const h of registry.get(payload.slice(0, at)) ?? []) h(payload.slice(at + 1));
}

/** Drops `kind:id` from this process's caches now, and from every other replica's via NOTIFY. */
export async function broadcastInvalidation(kind: string, id: string, tx: Executor = db): Promise<void> {
  dispatch(`${kind}:${id}`);
  await tx.execute(sql`select pg_notify(${INVALIDATION_CHANNEL}, ${`${kind}:${id}`})`);
}

export async function listenForInvalidations(): Promise<void> {
  const d = driver();
  if (d.kind !== "postgres") return;
  await d.client.listen(INVALIDATION_CHANNEL, dispatch, () => log.info("listening for cache invalidations"));
}
