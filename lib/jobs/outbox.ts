// The outbox worker. Jobs are claimed with FOR UPDATE SKIP LOCKED and a lease, run outside any
// transaction (they call the network), and retried with exponential backoff — 1 s, 2 s, 4 s …
// capped at 5 minutes — when the failure is temporary (429, 5xx, network). A permanent failure
// (a 4xx) or too many attempts leaves the job "failed", visible to admins, who can retry it. Jobs
// run as background work (lib/jobs/background.ts). A job whose kind starts with "stripe." calls
// Stripe: when Stripe answers again after failing, those waiting out a backoff are brought forward.
import "server-only";
import { and, asc, count, desc, eq, gt, inArray, like, lt, lte, or, sql } from "drizzle-orm";
import { db, outsideTransaction, type Executor } from "@/lib/db/client";
import { jobs, type Job } from "@/lib/db/schema";
import { newId } from "@/lib/ids";
import { env } from "@/lib/env";
import { log, redactQueryParams } from "@/lib/log";
import { metrics } from "@/lib/metrics";
import { notFound } from "@/lib/http/errors";
import { processState } from "@/lib/process-state";
import { asBackgroundWork } from "./background";

export class PermanentJobError extends Error {}

export type OutboxHandler = (job: Job) => Promise<Record<string, unknown> | void>;

const handlers = processState("jobs.outbox-handlers", () => new Map<string, OutboxHandler>());
export function registerOutboxHandler(kind: string, handler: OutboxHandler) {
  handlers.set(kind, handler);
}

export const BACKOFF_CAP_SECONDS = 300;
export const backoffSeconds = (attempt: number) => Math.min(BACKOFF_CAP_SECONDS, 2 ** Math.max(0, attempt - 1));
const LEASE_MS = 5 * 60_000;

export async function enqueue(
  tx: Executor,
  job: {
    kind: string;
    orgId?: string | null;
    payload?: Record<string, unknown>;
    dedupeKey?: string;
    runAt?: Date;
    maxAttempts?: number;
  },
): Promise<void> {
  await tx
    .insert(jobs)
    .values({
      id: newId("job"),
      kind: job.kind,
      orgId: job.orgId ?? null,
      payload: job.payload ?? {},
      dedupeKey: job.dedupeKey ?? null,
      runAt: job.runAt ?? new Date(),
      maxAttempts: job.maxAttempts ?? 12,
    })
    .onConflictDoNothing();
  kickOutbox();
}

/** Due jobs (and running ones whose lease lapsed), leased to this process; another poller skips them. */
async function claim(now: Date, limit: number): Promise<Job[]> {
  const due = db
    .select({ id: jobs.id })
    .from(jobs)
    .where(
      and(
        or(eq(jobs.status, "pending"), and(eq(jobs.status, "running"), lt(jobs.lockedUntil, now))),
        lte(jobs.runAt, now),
      ),
    )
    .orderBy(asc(jobs.runAt))
    .limit(limit)
    .for("update", { skipLocked: true });
  return db
    .update(jobs)
    .set({
      status: "running",
      attempts: sql`${jobs.attempts} + 1`,
      lockedUntil: new Date(now.getTime() + LEASE_MS),
      updatedAt: now,
    })
    .where(inArray(jobs.id, due))
    .returning();
}

function isTemporary(e: unknown): boolean {
  if (e instanceof PermanentJobError) return false;
  const status = (e as { statusCode?: number; status?: number }).statusCode ?? (e as { status?: number }).status;
  if (status === undefined) return true; // network errors, timeouts
  return status === 429 || status >= 500 || status === 409;
}

async function runOne(job: Job): Promise<void> {
  const handler = handlers.get(job.kind);
  const now = new Date();
  try {
    if (!handler) throw new PermanentJobError(`No handler for job kind ${job.kind}`);
    const result = await asBackgroundWork(() => handler(job));
    await db
      .update(jobs)
      .set({ status: "done", result: result ?? {}, doneAt: now, lockedUntil: null, lastError: null, updatedAt: now })
      .where(eq(jobs.id, job.id));
  } catch (e) {
    // Shown to admins and logged: a failed statement's values stay out of both.
    const message = redactQueryParams(e instanceof Error ? e.message : String(e));
    const temporary = isTemporary(e) && job.attempts < job.maxAttempts;
    const runAt = new Date(now.getTime() + backoffSeconds(job.attempts) * 1000);
    await db
      .update(jobs)
      .set({
        status: temporary ? "pending" : "failed",
        runAt: temporary ? runAt : now,
        lockedUntil: null,
        lastError: message.slice(0, 1000),
        updatedAt: now,
      })
      .where(eq(jobs.id, job.id));
    // A retry is routine; a job that has failed for good waits for an admin (retryJob).
    if (temporary)
      log.warn(
        { job: job.kind, job_id: job.id, attempts: job.attempts, retry_at: runAt.toISOString(), err: message },
        "outbox job will be retried",
      );
    else log.error({ job: job.kind, job_id: job.id, attempts: job.attempts, err: message }, "outbox job failed");
  }
}

/** Runs every job that is due, in batches; returns how many ran. */
export async function runDueJobs(now = new Date(), batch = 20): Promise<number> {
  let ran = 0;
  for (;;) {
    const claimed = await claim(now, batch);
    for (const job of claimed) await runOne(job);
    ran += claimed.length;
    if (claimed.length < batch) break;
  }
  await updateDepthMetric();
  return ran;
}

async function updateDepthMetric() {
  const depth = await db
    .select({ kind: jobs.kind, n: count() })
    .from(jobs)
    .where(inArray(jobs.status, ["pending", "running"]))
    .groupBy(jobs.kind);
  metrics.outboxDepth.reset();
  for (const d of depth) metrics.outboxDepth.set({ kind: d.kind }, d.n);
}

/**
 * Pending jobs whose kind starts with `kindPrefix` and which wait out a backoff (tried at least once,
 * due later) become due now: called when the service they call answers again after failing, so the
 * backlog drains at once instead of after each job's backoff (up to 5 minutes). A job never tried
 * keeps its time (a scheduled change waits for its date). Running jobs are not touched and a row a
 * worker is claiming is skipped (SKIP LOCKED, as in claim()), so no job runs twice at once; the
 * workers then run them as any due job, one at a time each, in the order they were due.
 */
export async function bringForward(kindPrefix: string, now = new Date()): Promise<number> {
  const waiting = db
    .select({ id: jobs.id })
    .from(jobs)
    .where(
      and(eq(jobs.status, "pending"), gt(jobs.attempts, 0), gt(jobs.runAt, now), like(jobs.kind, `${kindPrefix}%`)),
    )
    .for("update", { skipLocked: true });
  const moved = await db
    .update(jobs)
    .set({ runAt: now, updatedAt: now })
    .where(inArray(jobs.id, waiting))
    .returning({ id: jobs.id });
  if (moved.length > 0) kickOutbox();
  return moved.length;
}

const kick = processState("jobs.outbox-kick", () => ({ timer: undefined as NodeJS.Timeout | undefined }));
/**
 * Runs due jobs soon after an enqueue (the enqueuing transaction has committed by then). The
 * timer starts outside the enqueuing transaction's context, or its run would be refused the
 * database. A failed kick is not an operator's concern: the one-second poll runs the same jobs.
 */
export function kickOutbox() {
  if (kick.timer || env().NODE_ENV === "test") return;
  kick.timer = outsideTransaction(() =>
    setTimeout(() => {
      kick.timer = undefined;
      runDueJobs().catch((err) => log.warn({ err }, "outbox run failed; the poll retries it"));
    }, 200),
  );
  kick.timer.unref();
}

export const outboxJob = { name: "outbox", everyMs: 1_000, run: (now: Date) => runDueJobs(now) };

export async function listJobs(opts: { status?: Job["status"][]; kind?: string; limit?: number } = {}): Promise<Job[]> {
  return db
    .select()
    .from(jobs)
    .where(
      and(
        opts.status ? inArray(jobs.status, opts.status) : undefined,
        opts.kind ? eq(jobs.kind, opts.kind) : undefined,
      ),
    )
    .orderBy(desc(jobs.createdAt))
    .limit(opts.limit ?? 100);
}

/** Admin retry of a failed (or waiting) job: it runs again at once, with a fresh attempt budget. */
export async function retryJob(id: string): Promise<Job> {
  const [job] = await db
    .update(jobs)
    .set({ status: "pending", runAt: new Date(), attempts: 0, lockedUntil: null, updatedAt: new Date() })
    .where(and(eq(jobs.id, id), or(eq(jobs.status, "failed"), eq(jobs.status, "pending"))))
    .returning();
  if (!job) throw notFound("Failed job");
  kickOutbox();
  return job;
}

export async function jobsNeedingAttention(): Promise<Job[]> {
  return db
    .select()
    .from(jobs)
    .where(
      or(
        eq(jobs.status, "failed"),
        and(eq(jobs.status, "pending"), lt(jobs.runAt, sql`now() - interval '1 minute'`), sql`${jobs.attempts} > 0`),
      ),
    )
    .orderBy(asc(jobs.createdAt))
    .limit(100);
}
