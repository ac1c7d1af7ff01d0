// Idempotent operations (API.md, Idempotency). The key is claimed by inserting its row in the same
// transaction as the operation's own writes, so the effect and the stored response commit together
// or not at all. A concurrent request with the same key waits on the row's unique index until the
// first commits, then replays its response. Errors are not stored: a request that failed (a 402,
// say) runs again on retry, and may succeed once its cause is gone.
import "server-only";
import { createHash } from "node:crypto";
import { and, eq, sql, type SQL } from "drizzle-orm";
import { db, rows, type Executor } from "@/lib/db/client";
import { idempotencyKeys } from "@/lib/db/schema";
import { canonicalJson } from "@/lib/canonical-json";
import { AppError, invalidField } from "@/lib/http/errors";
import type { RequestLike } from "@/lib/http/route";

export type IdempotentResult<T> = { status: number; body: T; replayed: boolean };

/** A stable hash of a request body: key order does not matter. */
export function requestHash(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex");
}

export type IdempotencyClaim = { orgId: string | null; scope: string; key: string };

/** Claims a key: the insert returns a row when this request is the first with the key. */
export function claimKeySql(claim: IdempotencyClaim, requestHash: string): SQL {
  return sql`insert into idempotency_keys (org_id, scope, key, request_hash, status) values (${claim.orgId ?? "platform"}, ${claim.scope}, ${claim.key}, ${requestHash}, 0)
             on conflict do nothing returning key`;
}

/** For a key someone else claimed first: their answer again, or a 409 when the bodies differ. */
export async function replayClaimed<T>(
  tx: Executor,
  claim: IdempotencyClaim,
  hash: string,
): Promise<IdempotentResult<T>> {
  const [row] = await tx
    .select()
    .from(idempotencyKeys)
    .where(
      and(
        eq(idempotencyKeys.orgId, claim.orgId ?? "platform"),
        eq(idempotencyKeys.scope, claim.scope),
        eq(idempotencyKeys.key, claim.key),
      ),
    );
  if (!row) throw new AppError("conflict", "A request with this idempotency key is still in progress; retry shortly.");
  if (row.requestHash !== hash) {
    throw new AppError(
      "idempotency_conflict",
      `The idempotency key "${claim.key}" was already used with a different request body.`,
    );
  }
  return { status: row.status, body: row.response as T, replayed: true };
}

export async function idempotent<T>(
  claim: IdempotencyClaim & { request: unknown },
  /** `stored: true` when `run` wrote the response into the key's row itself (storeResponseSql), saving a round trip. */
  run: (tx: Executor) => Promise<{ status: number; body: T; stored?: boolean }>,
  outer?: Executor,
): Promise<IdempotentResult<T>> {
  const hash = requestHash(claim.request);
  const work = async (tx: Executor): Promise<IdempotentResult<T>> => {
    const claimed = await rows<{ key: string }>(claimKeySql(claim, hash), tx);
    if (claimed.length === 0) return replayClaimed<T>(tx, claim, hash);
    const result = await run(tx);
    if (!result.stored) await tx.execute(storeResponseSql(claim, result.status, result.body));
    return { status: result.status, body: result.body, replayed: false };
  };
  return outer ? work(outer) : db.transaction(work);
}

/**
 * The statement that stores a response in a claimed key's row, for operations that fold it into a
 * statement of their own (a data-modifying CTE) and then return `stored: true` from `run`.
 */
export function storeResponseSql(claim: IdempotencyClaim, status: number, body: unknown): SQL {
  return sql`update idempotency_keys set status = ${status}, response = ${JSON.stringify(body)}::jsonb
             where org_id = ${claim.orgId ?? "platform"} and scope = ${claim.scope} and key = ${claim.key} returning 1`;
}

/** The key a request carries: the Idempotency-Key header, else the body's own key. */
/** A credit-moving request's key, which it must carry: the Idempotency-Key header or the body's idempotency_key. */
export function requireIdempotencyKey(req: RequestLike, bodyKey?: string | null): string {
  const key = idempotencyKeyOf(req, bodyKey);
  if (!key)
    throw invalidField("idempotency_key", "required: send an Idempotency-Key header or idempotency_key in the body");
  if (key.length > 255) throw invalidField("idempotency_key", "at most 255 characters");
  return key;
}

/** A key the request may carry (billing changes, creating a customer or a subscription): null when it sends none. */
export function optionalIdempotencyKey(req: RequestLike, bodyKey?: string | null): string | null {
  const key = idempotencyKeyOf(req, bodyKey);
  if (key && key.length > 255) throw invalidField("idempotency_key", "at most 255 characters");
  return key;
}

export function idempotencyKeyOf(req: RequestLike, bodyKey?: string | null): string | null {
  return req.headers.get("idempotency-key")?.trim() || bodyKey?.trim() || null;
}

/**
 * An operation that calls the network (Stripe, the sandbox) and so cannot run inside the key's
 * transaction: the key is claimed and committed first (status 0: in progress), the operation runs,
 * and its answer is stored. The same key while it runs is a 409 (retry shortly); afterwards its
 * answer is replayed; with another body it is an idempotency_conflict. A failure releases the key,
 * so a retry runs again (errors are not stored, as for the other money endpoints). Without a key
 * the operation simply runs.
 */
export async function idempotentCall<T>(
  claim: (IdempotencyClaim & { request: unknown }) | null,
  run: () => Promise<{ status: number; body: T }>,
): Promise<IdempotentResult<T>> {
  if (!claim) return { ...(await run()), replayed: false };
  if (claim.key.length > 255)
    throw new AppError("validation_error", "Idempotency-Key: at most 255 characters", [
      { field: "idempotency_key", message: "at most 255 characters" },
    ]);
  const hash = requestHash(claim.request);
  const claimed = await rows<{ key: string }>(claimKeySql(claim, hash));
  if (claimed.length === 0) {
    const replay = await replayClaimed<T>(db, claim, hash);
    if (replay.status === 0)
      throw new AppError("conflict", "A request with this idempotency key is still in progress; retry shortly.");
    return replay;
  }
  try {
    const result = await run();
    await db.execute(storeResponseSql(claim, result.status, result.body));
    return { ...result, replayed: false };
  } catch (e) {
    await db
      .delete(idempotencyKeys)
      .where(
        and(
          eq(idempotencyKeys.orgId, claim.orgId ?? "platform"),
          eq(idempotencyKeys.scope, claim.scope),
          eq(idempotencyKeys.key, claim.key),
        ),
      );
    throw e;
  }
}
