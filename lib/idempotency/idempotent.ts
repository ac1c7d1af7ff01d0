// Idempotent operations (API.md, Idempotency). The key is claimed by inserting its row in the same
// transaction as the operation's own writes, so the effect and the stored response commit together
// or not at all. A concurrent request with the same key waits on the row's unique index until the
// first commits, then replays its response. Errors are not stored: a request that failed (a 402,
// say) runs again on retry, and may succeed once its cause is gone.
import "server-only";
import { createHash } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { db, type Executor } from "@/lib/db/client";
import { idempotencyKeys } from "@/lib/db/schema";
import { canonicalJson } from "@/lib/canonical-json";
import { AppError } from "@/lib/http/errors";

export type IdempotentResult<T> = { status: number; body: T; replayed: boolean };

/** A stable hash of a request body: key order does not matter. */
export function requestHash(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex");
}

export async function idempotent<T>(
  claim: { orgId: string | null; scope: string; key: string; request: unknown },
  run: (tx: Executor) => Promise<{ status: number; body: T }>,
  outer?: Executor,
): Promise<IdempotentResult<T>> {
  const orgId = claim.orgId ?? "platform";
  const hash = requestHash(claim.request);
  const work = async (tx: Executor): Promise<IdempotentResult<T>> => {
    const claimed = await tx
      .insert(idempotencyKeys)
      .values({ orgId, scope: claim.scope, key: claim.key, requestHash: hash, status: 0 })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key });
    if (claimed.length === 0) {
      const [row] = await tx
        .select()
        .from(idempotencyKeys)
        .where(and(eq(idempotencyKeys.orgId, orgId), eq(idempotencyKeys.scope, claim.scope), eq(idempotencyKeys.key, claim.key)));
      if (!row) throw new AppError("conflict", "A request with this idempotency key is still in progress; retry shortly.");
      if (row.requestHash !== hash) {
        throw new AppError("idempotency_conflict", `The idempotency key "${claim.key}" was already used with a different request body.`);
      }
      return { status: row.status, body: row.response as T, replayed: true };
    }
    const result = await run(tx);
    await tx
      .update(idempotencyKeys)
      .set({ status: result.status, response: result.body as unknown })
      .where(and(eq(idempotencyKeys.orgId, orgId), eq(idempotencyKeys.scope, claim.scope), eq(idempotencyKeys.key, claim.key)));
    return { ...result, replayed: false };
  };
  return outer ? work(outer) : db.transaction(work);
}

/** The key a request carries: the Idempotency-Key header, else the body's own key. */
export function idempotencyKeyOf(req: Request, bodyKey?: string | null): string | null {
  return req.headers.get("idempotency-key")?.trim() || bodyKey?.trim() || null;
}
