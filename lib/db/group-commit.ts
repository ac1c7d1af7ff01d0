// Group commit: one queue that turns many callers' small writes into a few shared statements or
// transactions. While `slots` groups of this process are running, what arrives waits; when a slot
// is free, everything waiting — up to the group's size budget, never one key twice (the second
// waits for the next group) — goes as one group. With fewer in flight an item goes at once, as a
// group of one, and waits for nothing. Credit spends (lib/credits/spend-group.ts) and event
// storage (lib/metering/store-events.ts) use it.
//
// A group that fails wrote nothing: each of its items runs again on its own, so an error reaches
// only the caller that caused it. Whatever the database does, every slot comes back and every
// caller gets an answer: a group that has not finished within `deadlineMs` (a connection that
// hangs instead of failing) gives its slot back and answers its callers 503 database_unavailable —
// safe, as a retry with the same key replays whatever the group may still commit.
//
// The queue's state (waiting callers, slots in use, the watch /api/health reads) comes from
// processState: Next and the fast-path bundle share one queue per name.
import "server-only";
import { databaseUnavailable } from "@/lib/http/errors";
import { log } from "@/lib/log";
import { processState } from "@/lib/process-state";
import { PathWatch, TIMED_OUT, within, type PathState } from "@/lib/ops/path-watch";

export type GroupCommitOptions<I, R, O> = {
  /** The queue's processState name. */
  name: string;
  /** Groups running at once. */
  slots: number;
  /** Most units in a group: items, or what `size` counts. The first item of a group always goes, whatever its size. */
  budget: number;
  /** An item's units of the budget (default 1). */
  size?: (item: I) => number;
  /** The item's keys: a group never holds one key twice. */
  keys: (item: I) => string[];
  /** The shared work for a group: an outcome per item, in order. Throws when nothing of the group was written. */
  commit: (items: I[]) => Promise<O[]>;
  /** The caller's answer from its outcome (it may throw to refuse, or run the item alone). */
  answer: (item: I, outcome: O) => Promise<R>;
  /** The item on its own: after a failed group, and for a group of one when `singleIsAlone`. */
  alone: (item: I) => Promise<R>;
  /** A group of one runs `alone` instead of `commit`, and its failure is its caller's answer. */
  singleIsAlone: boolean;
  /**
   * When the slot comes back: "commit" — as soon as the shared work is over (or given up on), so
   * what follows (answers, items run alone) keeps no one waiting, and the deadline covers only the
   * shared work; "answers" — once every caller of the group has its answer, the deadline covering
   * the items run alone too.
   */
  slotBackAfter: "commit" | "answers";
  /** Past it a group's slot comes back and its callers are answered 503. */
  deadlineMs: number;
  /** Log lines: what the items are called, and the messages for a failed (optional) and a stuck group. */
  log: { items: string; failed?: string; timedOut: string };
};

export type GroupCommit<I, R> = {
  /** Queues the item; resolves with its answer once the group that carried it is over. */
  submit: (item: I) => Promise<R>;
  /** The path as health sees it: groups running (a stuck one included) and callers waiting for a slot. */
  state: () => PathState;
};

type Waiting<I, R> = { item: I; since: number; resolve: (r: R) => void; reject: (e: unknown) => void };

export function groupCommit<I, R, O>(o: GroupCommitOptions<I, R, O>): GroupCommit<I, R> {
  /** One queue per process: Next and the fast-path bundle both load the module that makes it (lib/process-state.ts). */
  const queue = processState(o.name, () => ({
    waiting: [] as Waiting<I, R>[],
    inFlight: 0,
    watch: new PathWatch(),
  }));
  const { waiting, watch } = queue;
  const size = o.size ?? (() => 1);

  function pump(): void {
    while (queue.inFlight < o.slots && waiting.length > 0) {
      const group = take();
      queue.inFlight++;
      if (o.slotBackAfter === "commit") void runGivingSlotAfterCommit(group);
      else runGivingSlotAfterAnswers(group);
    }
  }

  /**
   * The next waiting items, in arrival order, up to the budget. An item with a key already in the
   * group waits for the next one: one group must not claim a key twice, or the second would read
   * as stored.
   */
  function take(): Waiting<I, R>[] {
    const group: Waiting<I, R>[] = [];
    const keys = new Set<string>();
    let used = 0;
    for (let i = 0; i < waiting.length && used < o.budget;) {
      const w = waiting[i]!;
      const own = o.keys(w.item);
      const units = size(w.item);
      if ((group.length > 0 && used + units > o.budget) || own.some((k) => keys.has(k))) {
        i++;
        continue;
      }
      own.forEach((k) => keys.add(k));
      used += units;
      group.push(w);
      waiting.splice(i, 1);
    }
    return group;
  }

  const alone = (w: Waiting<I, R>) => o.alone(w.item).then(w.resolve, w.reject);

  function timedOut(group: Waiting<I, R>[]): void {
    log.error({ [o.log.items]: group.length, deadline_ms: o.deadlineMs }, o.log.timedOut);
    // A settled caller ignores this; the others learn to retry.
    for (const w of group) w.reject(databaseUnavailable());
  }

  function failed(err: unknown, group: Waiting<I, R>[]): Promise<unknown> {
    if (o.log.failed) log.warn({ err, [o.log.items]: group.length }, o.log.failed);
    return Promise.all(group.map(alone));
  }

  const answerAll = (group: Waiting<I, R>[], outcomes: O[]) =>
    Promise.all(group.map((w, i) => o.answer(w.item, outcomes[i]!).then(w.resolve, w.reject)));

  async function runGivingSlotAfterCommit(group: Waiting<I, R>[]): Promise<void> {
    if (o.singleIsAlone && group.length === 1) {
      // Alone is the group's work: the deadline and the watch cover it as they would the commit.
      let settled: void | typeof TIMED_OUT;
      try {
        settled = await within(watch.track(alone(group[0]!)), o.deadlineMs);
      } finally {
        queue.inFlight--;
        pump();
      }
      if (settled === TIMED_OUT) timedOut(group);
      return;
    }
    let outcomes: O[] | typeof TIMED_OUT | null = null;
    let error: unknown;
    try {
      outcomes = await within(watch.track(o.commit(group.map((w) => w.item))), o.deadlineMs);
    } catch (err) {
      error = err;
    } finally {
      // The slot is free as soon as the group's shared work is over (or given up on): what follows
      // (answers, items run one by one) must not keep other callers waiting.
      queue.inFlight--;
      pump();
    }
    if (outcomes === TIMED_OUT) return timedOut(group);
    if (!outcomes) return void (await failed(error, group));
    await answerAll(group, outcomes);
  }

  function runGivingSlotAfterAnswers(group: Waiting<I, R>[]): void {
    void within(watch.track(settle(group)), o.deadlineMs)
      .then(
        (r) => {
          if (r === TIMED_OUT) timedOut(group);
        },
        () => {},
      )
      .finally(() => {
        queue.inFlight--;
        pump();
      });
  }

  async function settle(group: Waiting<I, R>[]): Promise<void> {
    if (o.singleIsAlone && group.length === 1) return alone(group[0]!);
    let outcomes: O[];
    try {
      outcomes = await o.commit(group.map((w) => w.item));
    } catch (err) {
      await failed(err, group);
      return;
    }
    await answerAll(group, outcomes);
  }

  return {
    submit: (item) =>
      new Promise<R>((resolve, reject) => {
        waiting.push({ item, since: Date.now(), resolve, reject });
        pump();
      }),
    state: () => watch.state(waiting),
  };
}
