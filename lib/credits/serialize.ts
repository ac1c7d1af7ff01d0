// The API's JSON shapes for credits (snake_case, credits as integers, times as ISO-8601).
import type { CreditLedgerRow } from "@/lib/db/schema";
import type { WrittenEntry } from "./movement-decide";
import type { LedgerEntryJson } from "./schemas";

/** Credits a movement drew from each bucket (a bucket drawn twice is summed), in draw order. */
export function spentByBucket(
  entries: WrittenEntry[],
  operationId: string,
  kinds: string[],
): { bucket_id: string; source: string; credits: number }[] {
  const out = new Map<string, { bucket_id: string; source: string; credits: number }>();
  for (const e of entries) {
    if (e.operationId !== operationId || !kinds.includes(e.kind) || !e.bucketId) continue;
    const row = out.get(e.bucketId) ?? { bucket_id: e.bucketId, source: e.source ?? "", credits: 0 };
    row.credits += -e.bucketDelta;
    out.set(e.bucketId, row);
  }
  return [...out.values()].filter((r) => r.credits !== 0);
}

export type { LedgerEntryJson };

export function ledgerEntryJson(r: CreditLedgerRow): LedgerEntryJson {
  return {
    id: r.id,
    seq: r.seq,
    operation_id: r.operationId,
    kind: r.kind,
    bucket_id: r.bucketId,
    source: r.source,
    amount: r.amount,
    bucket_delta: r.bucketDelta,
    balance_after: r.balanceAfter,
    held_after: r.heldAfter,
    event_name: r.creditEvent,
    quantity: r.quantity,
    reservation_id: r.reservationId,
    reference: r.reference,
    reason: r.reason,
    idempotency_key: r.idempotencyKey,
    unit_price: r.unitPrice,
    currency: r.currency,
    actor: r.actor,
    created_at: r.createdAt.toISOString(),
  };
}
