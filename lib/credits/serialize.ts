// The API's JSON shapes for credits (snake_case, credits as integers, times as ISO-8601).
import type { CreditLedgerRow } from "@/lib/db/schema";
import type { WrittenEntry } from "./movement-decide";

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

export type LedgerEntryJson = {
  id: string;
  seq: number;
  operation_id: string;
  kind: string;
  bucket_id: string | null;
  source: string | null;
  amount: number;
  bucket_delta: number;
  balance_after: number;
  held_after: number;
  event_name: string | null;
  quantity: string | null;
  reservation_id: string | null;
  reference: string | null;
  reason: string | null;
  idempotency_key: string | null;
  unit_price: string | null;
  currency: string | null;
  actor: string;
  created_at: string;
};

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
