// A process's copy of something it reads on every request but that changes rarely — the catalog's
// meters, features, the links of meters to credit events. A change drops the copy at once on every
// replica (invalidate(), through NOTIFY: lib/cache/invalidation.ts); the age limit only bounds a
// missed notification. So when the copy is older than that, a caller is answered from it while one
// reload runs behind (a request never waits on the periodic refresh: the entitlement check's tail
// did, every 5 seconds); only a process with no copy, or one just invalidated, waits for the read.
// A reload that began before an invalidation is not kept: it may have read the old rows.
import "server-only";
import { db, outsideTransaction, type Executor } from "@/lib/db/client";
import { log } from "@/lib/log";
import { processState } from "@/lib/process-state";

export type CatalogCopy<T> = {
  /**
   * The copy: fresh, or older than the age limit (then reloaded behind), or read now when there
   * is none. `fresh`: read now whatever the copy's age. `tx`: inside a caller's transaction (PGlite
   * has one connection), a read that must happen runs on it, so it does not wait on the transaction.
   */
  get(opts?: { fresh?: boolean; tx?: Executor }): Promise<T>;
  /** The copy if it is within the age limit, without waiting; otherwise undefined, and a reload starts. */
  ifFresh(): T | undefined;
  /** Drops the copy (and forgets a reload in flight): the next get reads anew. */
  invalidate(): void;
};

type State<T> = { value: T | undefined; at: number; generation: number; loading: Promise<T> | undefined };

export function catalogCopy<T>(name: string, load: (tx: Executor) => Promise<T>, maxAgeMs = 5_000): CatalogCopy<T> {
  const s = processState<State<T>>(`catalog-copy.${name}`, () => ({
    value: undefined,
    at: 0,
    generation: 0,
    loading: undefined,
  }));
  const keep = (generation: number, value: T) => {
    if (s.generation !== generation) return;
    s.value = value;
    s.at = Date.now();
  };
  const reload = (): Promise<T> => {
    if (s.loading) return s.loading;
    const generation = s.generation;
    const p: Promise<T> = load(db)
      .then((v) => (keep(generation, v), v))
      .finally(() => {
        if (s.loading === p) s.loading = undefined;
      });
    s.loading = p;
    return p;
  };
  // Nobody waits for it: it runs as work of its own, outside the transaction of the caller that found
  // the copy old (whose executor it must not borrow, and which may commit before it reads).
  const behind = () =>
    outsideTransaction(
      () =>
        void reload().catch((err: unknown) =>
          log.warn({ err, copy: name }, "catalog copy: reload failed; serving the old copy"),
        ),
    );
  return {
    async get(opts = {}) {
      if (!opts.fresh && s.value !== undefined) {
        if (Date.now() - s.at >= maxAgeMs) behind();
        return s.value;
      }
      if (opts.tx) {
        const generation = s.generation;
        const v = await load(opts.tx);
        keep(generation, v);
        return v;
      }
      return reload();
    },
    ifFresh() {
      if (s.value !== undefined && Date.now() - s.at < maxAgeMs) return s.value;
      behind();
      return undefined;
    },
    invalidate() {
      s.generation++;
      s.value = undefined;
      s.loading = undefined;
    },
  };
}
