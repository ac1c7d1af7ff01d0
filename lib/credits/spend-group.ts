// Group commit of credit spends (Postgres), on the group-commit queue (lib/db/group-commit.ts).
// While SPENDS_IN_FLIGHT spend transactions of this process are running, the spends that arrive
// wait; when one ends, everything waiting — for any customers, up to MAX_GROUP — goes as one
// transaction of two round trips (runSpendGroup in movement-group.ts). What a spend costs Postgres
// is mostly per statement (a dozen relations and indexes opened and locked) and what it costs the
// server mostly per round trip, so a group of twenty costs little more than one spend; and the
// spends of one hot customer share its lock instead of queueing for it. With fewer in flight a
// spend goes at once, as a group of one, and waits for nothing.
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
import { groupCommit } from "@/lib/db/group-commit";
import { log } from "@/lib/log";
import { metrics } from "@/lib/metrics";
import type { PathState } from "@/lib/ops/path-watch";
import { runSpendGroup, type GroupedOutcome, type GroupedSpend } from "./movement-group";

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

type Answer = { status: number; body: unknown; replayed: boolean };

/** One queue per process: Next and the fast-path bundle both load this module (lib/process-state.ts). */
const spends = groupCommit<Spend<unknown, unknown>, Answer, GroupedOutcome<unknown>>({
  name: "credits.spend-group",
  slots: SPENDS_IN_FLIGHT,
  budget: MAX_GROUP,
  keys: (s) => [`${s.orgId}\u0000${s.claim.key}`],
  commit: (group) => {
    if (group.length > 1) metrics.creditSpendGroups.observe(group.length);
    return runSpendGroup(group, new Date());
  },
  answer: async (s, o) => {
    if (o.kind === "alone") return s.alone();
    if (o.kind === "refused") {
      s.refused(o.error);
      throw o.error;
    }
    // The spend is committed: its answer stands even if the follow-up (the low-balance report) fails.
    try {
      await s.done(o);
    } catch (err) {
      log.warn({ err }, "after a grouped spend: the follow-up failed");
    }
    return { status: o.status, body: o.body, replayed: false };
  },
  alone: (s) => s.alone(),
  singleIsAlone: false,
  slotBackAfter: "commit",
  deadlineMs: GROUP_DEADLINE_MS,
  log: {
    items: "spends",
    failed: "spend group failed; its spends run one by one",
    timedOut: "spend group did not finish in time; its spends answered 503",
  },
});

/** The spend path as health sees it: group transactions running (a stuck one included) and spends waiting for a slot. */
export const spendPathState = (): PathState => spends.state();

/** On Postgres spends may share a transaction; PGlite runs one transaction at a time, so there is nothing to share. */
export const groupsSpends = () => driver().kind === "postgres";

export function spend<R, B>(s: Spend<R, B>): Promise<{ status: number; body: B; replayed: boolean }> {
  return spends.submit(s as Spend<unknown, unknown>) as Promise<{ status: number; body: B; replayed: boolean }>;
}
