// At most a few transactions per organization in flight from this process. The database lock
// (movement.ts) is what keeps the ledger right across replicas; this gate only keeps a hot
// customer from parking every pooled connection on that one lock while other customers wait for a
// connection. More than one: while one movement holds the lock the next ones are already queued at
// Postgres, so the lock is handed over without a round trip and a freed slot's next movement has
// time to get in line.
import { processState } from "@/lib/process-state";

const LIMIT = 4;

type Gate = { active: number; waiting: (() => void)[] };
/** One gate per organization in the process, shared by Next and the fast-path bundle (lib/process-state.ts). */
const gates = processState("credits.org-gate", () => new Map<string, Gate>());

export async function withOrgGate<T>(orgId: string, fn: () => Promise<T>): Promise<T> {
  let gate = gates.get(orgId);
  if (!gate) {
    gate = { active: 0, waiting: [] };
    gates.set(orgId, gate);
  }
  if (gate.active >= LIMIT) await new Promise<void>((resolve) => gate!.waiting.push(resolve));
  else gate.active++;
  try {
    return await fn();
  } finally {
    const next = gate.waiting.shift();
    if (next)
      next(); // the slot passes straight to the next waiter
    else if (--gate.active === 0) gates.delete(orgId);
  }
}
