// Sync on a schedule: a source's import again every N hours (the FlexPrice guide re-syncs plans on a
// schedule). The key is kept sealed (lib/secret-box.ts) and opened only by the job that runs it.
import "server-only";
import { and, asc, eq, lte } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { importSchedules, type ImportRun, type ImportSchedule, type ImportSource } from "@/lib/db/schema";
import { newId } from "@/lib/ids";
import { log } from "@/lib/log";
import { seal, unseal } from "@/lib/secret-box";
import { runImport } from "./run-import";

const purpose = (source: ImportSource) => `import-schedule:${source}`;
const HOUR_MS = 3_600_000;
export const SCHEDULE_ACTOR = "job:import-schedule";

export function scheduleJson(s: ImportSchedule) {
  return {
    source: s.source,
    api_url: s.apiUrl,
    every_hours: s.everyHours,
    next_run_at: s.nextRunAt.toISOString(),
    last_import_id: s.lastImportId,
  };
}

/** Keeps (or replaces) the source's schedule after a run that applied: the next one N hours from now. */
export async function saveSchedule(
  source: ImportSource,
  run: ImportRun,
  apiKey: string,
  everyHours: number,
  actor: string,
  now = new Date(),
): Promise<ImportSchedule> {
  const values = {
    apiUrl: run.apiUrl,
    apiKeySealed: seal(apiKey, purpose(source)),
    everyHours,
    nextRunAt: new Date(now.getTime() + everyHours * HOUR_MS),
    lastImportId: run.id,
    createdBy: actor,
    updatedAt: now,
  };
  const [s] = await db
    .insert(importSchedules)
    .values({ id: newId("ims"), source, ...values })
    .onConflictDoUpdate({ target: importSchedules.source, set: values })
    .returning();
  return s!;
}

/** Stops the source's schedule (its sealed key goes with it); false when it had none. */
export async function removeSchedule(source: ImportSource): Promise<boolean> {
  const gone = await db
    .delete(importSchedules)
    .where(eq(importSchedules.source, source))
    .returning({ id: importSchedules.id });
  return gone.length > 0;
}

export async function listSchedules(): Promise<ImportSchedule[]> {
  return db.select().from(importSchedules).orderBy(asc(importSchedules.source));
}

/**
 * Runs the schedules that are due, each once: the next run is moved on before the import, so a
 * failing source is tried again at its next time, not in a loop. Each run is recorded as any other.
 */
export async function runDueImports(now = new Date()): Promise<number> {
  const due = await db.select().from(importSchedules).where(lte(importSchedules.nextRunAt, now));
  let ran = 0;
  for (const s of due) {
    // Claimed by moving its time on from the one read: another replica that read the same time claims nothing.
    const [claimed] = await db
      .update(importSchedules)
      .set({ nextRunAt: new Date(now.getTime() + s.everyHours * HOUR_MS), updatedAt: now })
      .where(and(eq(importSchedules.id, s.id), eq(importSchedules.nextRunAt, s.nextRunAt)))
      .returning({ id: importSchedules.id });
    if (!claimed) continue;
    try {
      const run = await runImport(s.source, {
        apiUrl: s.apiUrl,
        apiKey: unseal(s.apiKeySealed, purpose(s.source)),
        dryRun: false,
        actor: SCHEDULE_ACTOR,
        now,
      });
      await db.update(importSchedules).set({ lastImportId: run.id }).where(eq(importSchedules.id, s.id));
      ran++;
    } catch (err) {
      // Recorded as a failed run by runImport; the schedule tries again at its next time.
      log.warn({ err, source: s.source }, "scheduled import failed");
    }
  }
  return ran;
}

export const importScheduleJob = { name: "import-schedule", everyMs: 60_000, run: (now: Date) => runDueImports(now) };
