// Liveness and readiness for /api/health: the database answers, and the write paths that queue
// work in this process (credit spend groups, coalesced ingest statements) are still finishing it —
// `select 1` alone said ok while a replica's spends no longer answered (issue 15).
import "server-only";
import { sql } from "drizzle-orm";
import { spendPathState } from "@/lib/credits/spend-group";
import { db, driver } from "@/lib/db/client";
import { ingestPathState } from "@/lib/metering/store-events";
import { pathHealth } from "./path-watch";
import type { HealthJson } from "./schemas";

export async function checkHealth(timeoutMs = 2000): Promise<HealthJson> {
  const started = performance.now();
  const paths = { spend: pathHealth(spendPathState()), ingest: pathHealth(ingestPathState()) };
  const pathsOk = paths.spend.status === "ok" && paths.ingest.status === "ok";
  let kind = "unknown";
  try {
    kind = driver().kind;
    await Promise.race([
      db.execute(sql`select 1`),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref(),
      ),
    ]);
    const database = {
      status: "up" as const,
      driver: kind,
      latency_ms: Math.round((performance.now() - started) * 10) / 10,
    };
    return { status: pathsOk ? "ok" : "unavailable", database, paths };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { status: "unavailable", database: { status: "down", driver: kind, error: message.slice(0, 200) }, paths };
  }
}
