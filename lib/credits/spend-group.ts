// Group commit of credit spends (Postgres). While SPENDS_IN_FLIGHT spend transactions of this
// process are running, the spends that arrive wait; when one ends, everything waiting — for any
// customers, up to MAX_GROUP — goes as one transaction of two round trips (runSpendGroup in
// movement.ts). What a spend costs Postgres is mostly per statement (a dozen relations and indexes
// opened and locked) and what it costs the server mostly per round trip, so a group of twenty
// costs little more than one spend; and the spends of one hot customer share its lock instead of
// queueing for it. With fewer in flight a spend goes at once, as a group of one, and waits for nothing.
//
// A group never holds one key twice (the second waits for the next group, and replays the first).
// A group waits at most GROUP_LOCK_TIMEOUT for a lock (a customer's balance row another transaction
// holds, a key in flight elsewhere): past it, or on any other failure, nothing of the group was
// written, its slot is given back, and each of its spends runs again on its own — so an error
// reaches only the caller that caused it, and one customer's held lock holds up only that
// customer's spends.
//
// Whatever the database does, every slot comes back and every caller gets an answer: a group that
// has not finished within GROUP_DEADLINE_MS (a connection that hangs instead of failing) gives its
// slot back and answers its spends 503 database_unavailable — safe, as a retry with the same key
// replays whatever the group may still commit — and a follow-up that fails never withholds the
// answer of a committed spend. /api/health reads spendPathState().
import "server-only";
import { driver } from "@/lib/db/client";
import { databaseUnavailable } from "@/lib/http/errors";
import { log } from "@/lib/log";
import { metrics } from "@/lib/metrics";
import { processState } from "@/lib/process-state";
import { PathWatch, TIMED_OUT, within, type PathState } from "@/lib/ops/path-watch";
import { runSpendGroup, type GroupedOutcome, type GroupedSpend } from "./movement";

const SPENDS_IN_FLIGHT = 4;
const MAX_GROUP = 64;
/** Far above a group's milliseconds, and above GROUP_LOCK_TIMEOUT's retries: only a hung connection or server reaches it. */
export const GROUP_DEADLINE_MS = 5_000;

export type Spend<R, B> = GroupedSpend<R, B> & {
  /** The spend on its own (runIdempotentMovement): for replays, and again after a failed group. */
  alone: () => Promise<{ status: number; body: B; replayed: boolean }>;
  /** After the group committed: the spend's own follow-up (the low-balance report). */
  done: (outcome: Extract<GroupedOutcome<B>, { kind: "done" }>) => Promise<void>;
  /** A refusal, before it reaches the caller (metrics). */
  refused: (error: unknown) => void;
};

type Waiting = {
  spend: Spend<unknown, unknown>;
  since: number;
  resolve: (r: { status: number; body: unknown; replayed: boolean }) => void;
  reject: (e: unknown) => void;
};

/** One queue per process: Next and the fast-path bundle both load this module (lib/process-state.ts). */
const queue = processState("credits.spend-group", () => ({
  waiting: [] as Waiting[],
  inFlight: 0,
  groups: new PathWatch(),
}));
const { waiting, groups } = queue;

/** The spend path as health sees it: group transactions running (a stuck one included) and spends waiting for a slot. */
export const spendPathState = (): PathState => groups.state(waiting);

/** On Postgres spends may share a transaction; PGlite runs one transaction at a time, so there is nothing to share. */
export const groupsSpends = () => driver().kind === "postgres";

export function spend<R, B>(s: Spend<R, B>): Promise<{ status: number; body: B; replayed: boolean }> {
  return new Promise((resolve, reject) => {
    waiting.push({
      spend: s as Spend<unknown, unknown>,
      since: Date.now(),
      resolve: resolve as Waiting["resolve"],
      reject,
    });
    pump();
  });
}

function pump(): void {
  while (queue.inFlight < SPENDS_IN_FLIGHT && waiting.length > 0) {
    const group = take();
    queue.inFlight++;
    void run(group);
  }
}

/** The next spends in arrival order, up to MAX_GROUP, none with a key already in the group. */
function take(): Waiting[] {
  const group: Waiting[] = [];
  const keys = new Set<string>();
  for (let i = 0; i < waiting.length && group.length < MAX_GROUP;) {
    const w = waiting[i]!;
    const key = `${w.spend.orgId}\u0000${w.spend.claim.key}`;
    if (keys.has(key)) {
      i++;
      continue;
    }
    keys.add(key);
    group.push(w);
    waiting.splice(i, 1);
  }
  return group;
}

const alone = (w: Waiting) => w.spend.alone().then(w.resolve, w.reject);

async function run(group: Waiting[]): Promise<void> {
  if (group.length > 1) metrics.creditSpendGroups.observe(group.length);
  let outcomes: GroupedOutcome<unknown>[] | typeof TIMED_OUT | null = null;
  try {
    outcomes = await within(
      groups.track(
        runSpendGroup(
          group.map((w) => w.spend),
          new Date(),
        ),
      ),
      GROUP_DEADLINE_MS,
    );
  } catch (err) {
    log.warn({ err, spends: group.length }, "spend group failed; its spends run one by one");
  } finally {
    // The slot is free as soon as the group's transaction is over (or given up on): what follows
    // (replays, retries one by one) must not keep other customers' spends waiting.
    queue.inFlight--;
    pump();
  }
  if (outcomes === TIMED_OUT) {
    log.error(
      { spends: group.length, deadline_ms: GROUP_DEADLINE_MS },
      "spend group did not finish in time; its spends answered 503",
    );
    for (const w of group) w.reject(databaseUnavailable());
    return;
  }
  if (!outcomes) {
    await Promise.all(group.map(alone));
    return;
  }
  const done = outcomes;
  await Promise.all(
    group.map(async (w, i) => {
      const o = done[i]!;
      if (o.kind === "alone") return alone(w);
      if (o.kind === "refused") {
        w.spend.refused(o.error);
        return w.reject(o.error);
      }
      // The spend is committed: its answer stands even if the follow-up (the low-balance report) fails.
      try {
        await w.spend.done(o);
      } catch (err) {
        log.warn({ err }, "after a grouped spend: the follow-up failed");
      }
      w.resolve({ status: o.status, body: o.body, replayed: false });
    }),
  );
}
