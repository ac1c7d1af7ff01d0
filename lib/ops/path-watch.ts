// How long the work of a write path (credit spend groups, ingest statements) has been running and
// waiting, for /api/health: a path whose work stopped finishing cannot serve even while `select 1`
// still answers. Each queue owns one watch beside its own state.

/** What health reads of a path: work running (given-up work still pending included), and callers waiting for a slot. */
export type PathState = { in_flight: number; waiting: number; oldest_running_ms: number; oldest_waiting_ms: number };

export class PathWatch {
  private readonly running = new Set<{ at: number }>();

  /** Counts `work` as running until it settles, even after its caller stopped waiting for it. */
  track<T>(work: Promise<T>): Promise<T> {
    const entry = { at: Date.now() };
    this.running.add(entry);
    const done = () => void this.running.delete(entry);
    work.then(done, done);
    return work;
  }

  state(waiting: { since: number }[], now = Date.now()): PathState {
    let oldestRunning = now;
    for (const r of this.running) oldestRunning = Math.min(oldestRunning, r.at);
    let oldestWaiting = now;
    for (const w of waiting) oldestWaiting = Math.min(oldestWaiting, w.since);
    return {
      in_flight: this.running.size,
      waiting: waiting.length,
      oldest_running_ms: now - oldestRunning,
      oldest_waiting_ms: now - oldestWaiting,
    };
  }
}

/**
 * A path cannot serve when a caller has waited this long for a slot: slots are not coming back.
 * Past the paths' own deadlines (5 s, and as long again waiting for a slot), which give a slot
 * back and answer its callers 503 even when the database never answers; work still pending past
 * them shows as oldest_running_ms, for the operator, without failing the check.
 */
export const PATH_STUCK_AFTER_MS = 15_000;

export type PathHealth = PathState & { status: "ok" | "stuck" };

export const pathHealth = (state: PathState): PathHealth => ({
  status: state.oldest_waiting_ms > PATH_STUCK_AFTER_MS ? "stuck" : "ok",
  ...state,
});

export const TIMED_OUT = Symbol("timed out");

/** `work`, or TIMED_OUT when it has not settled within `ms` (work goes on; only the wait ends). */
export function within<T>(work: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
    timer.unref();
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
