// Whether the running code is background work (an outbox job, a scheduled job) rather than a
// request someone is waiting on. A Stripe call made in the background may wait longer for its
// answer than one made for a request (lib/stripe/client.ts).
import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import { processState } from "@/lib/process-state";

const context = processState("jobs.background", () => ({ storage: new AsyncLocalStorage<true>() }));

export function inBackgroundWork(): boolean {
  return context.storage.getStore() === true;
}

export function asBackgroundWork<T>(run: () => Promise<T>): Promise<T> {
  return context.storage.run(true, run);
}
