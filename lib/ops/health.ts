// Liveness and database readiness for /api/health.
import "server-only";
import { sql } from "drizzle-orm";
import { db, driver } from "@/lib/db/client";

export type Health = { status: "ok" | "unavailable"; database: { status: "up" | "down"; driver: string; latency_ms?: number; error?: string } };

export async function checkHealth(timeoutMs = 2000): Promise<Health> {
  const started = performance.now();
  let kind = "unknown";
  try {
    kind = driver().kind;
    await Promise.race([
      db.execute(sql`select 1`),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref()),
    ]);
    return { status: "ok", database: { status: "up", driver: kind, latency_ms: Math.round((performance.now() - started) * 10) / 10 } };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { status: "unavailable", database: { status: "down", driver: kind, error: message.slice(0, 200) } };
  }
}
