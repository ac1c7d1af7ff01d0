// How many replicas serve right now, known without a table: each replica NOTIFYs `here:<id>` on
// Postgres every second and LISTENs for the others' (and its own). A replica starting says `hello`,
// which every other answers at once, so it knows the count before it serves its first request and
// the others count it within milliseconds. A replica not heard for EXPIRE_MS is gone. The per-key
// rate limits divide by this count (key-rate-limit.ts).
//
// While this replica does not hear its own beat, the channel is down and the others' silence says
// nothing: the count stays what it last was rather than falling to 1 (which would let this replica
// admit a whole key's limit on its own). PGlite is one process: the count is 1.
import "server-only";
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { db, driver } from "@/lib/db/client";
import { log } from "@/lib/log";
import { metrics } from "@/lib/metrics";
import { processState } from "@/lib/process-state";

export const PRESENCE_CHANNEL = "tally_replica_presence";
const BEAT_MS = 1000;
/** Three beats missed: the replica is gone (crashed, or cut off from Postgres). */
export const PRESENCE_EXPIRE_MS = 3 * BEAT_MS;
/** After hearing its own hello, how long a starting replica waits for the others' answers. */
const ANSWERS_MS = 150;

const presence = processState("rate-limits.presence", () => ({
  id: randomUUID(),
  /** Replica id → when it was last heard (Date.now()). */
  heard: new Map<string, number>(),
  count: 1,
  timer: undefined as NodeJS.Timeout | undefined,
  heardSelf: undefined as (() => void) | undefined,
}));

const announce = (kind: "hello" | "here") =>
  db.execute(sql`select pg_notify(${PRESENCE_CHANNEL}, ${`${kind}:${presence.id}`})`);

function onMessage(payload: string): void {
  const at = payload.indexOf(":");
  const kind = payload.slice(0, at);
  const id = payload.slice(at + 1);
  presence.heard.set(id, Date.now());
  if (id === presence.id) presence.heardSelf?.();
  else if (kind === "hello") void announce("here").catch(() => {});
}

/** Starts beating and listening (boot, on Postgres); resolves once the others have had time to answer. */
export async function joinReplicaPresence(): Promise<void> {
  const d = driver();
  if (d.kind !== "postgres" || presence.timer) return;
  const heardSelf = new Promise<void>((resolve) => (presence.heardSelf = resolve));
  await d.client.listen(PRESENCE_CHANNEL, onMessage);
  presence.timer = setInterval(() => {
    void announce("here").catch((err) => log.warn({ err }, "replica presence beat failed"));
    liveReplicas(); // keeps the exported count current while no key's request asks for it
  }, BEAT_MS);
  presence.timer.unref();
  await announce("hello");
  await Promise.race([heardSelf, new Promise((r) => setTimeout(r, 2 * BEAT_MS))]);
  await new Promise((r) => setTimeout(r, ANSWERS_MS));
  const replicas = liveReplicas();
  metrics.liveReplicas.set(replicas);
  log.info({ replicas }, "replica presence joined");
}

/** The replicas serving now, this one included (1 on PGlite or before joining). */
export function liveReplicas(now = Date.now()): number {
  if (!presence.timer) return 1;
  const self = presence.heard.get(presence.id);
  if (self === undefined || now - self > PRESENCE_EXPIRE_MS) return presence.count;
  let n = 0;
  for (const [id, at] of presence.heard) {
    if (now - at <= PRESENCE_EXPIRE_MS) n++;
    else presence.heard.delete(id);
  }
  n = Math.max(1, n);
  if (n !== presence.count) metrics.liveReplicas.set(n);
  presence.count = n;
  return n;
}
