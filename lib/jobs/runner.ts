// Background jobs: each job runs on an interval; every job is written to be safe when two
// replicas run it at once (row locks with SKIP LOCKED, or idempotent upserts).
import "server-only";
import { processState } from "@/lib/process-state";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { asBackgroundWork } from "./background";
import { JOBS } from "./registry";

export type Job = { name: string; everyMs: number; run: (now: Date) => Promise<unknown> };

const scheduled = processState("jobs.timers", () => ({ timers: undefined as NodeJS.Timeout[] | undefined }));

export async function runJobOnce(job: Job, now = new Date()): Promise<void> {
  try {
    const result = await asBackgroundWork(() => job.run(now));
    if (result) log.debug({ job: job.name, result }, "job ran");
  } catch (err) {
    log.error({ job: job.name, err }, "job failed");
  }
}

export function startJobs(): void {
  if (scheduled.timers) return;
  const cap = env().JOBS_MAX_INTERVAL_MS ?? Infinity;
  scheduled.timers = JOBS.map((job) => {
    let running = false;
    const t = setInterval(
      async () => {
        if (running) return;
        running = true;
        await runJobOnce(job);
        running = false;
      },
      Math.min(job.everyMs, cap),
    );
    t.unref();
    return t;
  });
}

export function stopJobs(): void {
  for (const t of scheduled.timers ?? []) clearInterval(t);
  scheduled.timers = undefined;
}
