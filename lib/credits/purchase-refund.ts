// A refunded credit pack takes its credits back. The provider reports the cumulative amount
// refunded on the payment (Stripe's charge.refunded carries amount_refunded), so the credits to take
// are that share of the pack, minus what earlier refund events of the same payment already took:
// redelivered or out-of-order events take nothing more, and a later, larger refund takes the rest.
// Credits already spent cannot come back; only what is left in the pack's bucket (and not held) is
// taken, and the shortfall is reported so an operator can see it. A refund that fails at the provider
// lowers the amount refunded again: what was taken beyond the new share goes back to the bucket, once.
import "server-only";
import { and, eq, sql } from "drizzle-orm";
import type { Executor } from "@/lib/db/client";
import { int, selectRows } from "@/lib/db/rows";
import { creditGrants } from "@/lib/db/schema";
import { newId } from "@/lib/ids";
import type { OpMeta } from "./account";
import { runMovement } from "./movement";

export type PurchaseRefundResult = {
  /** The pack's bucket, or null when this payment granted no credits. */
  bucketId: string | null;
  /** Credits the refund entitles Tally to take back so far (cumulative). */
  due: number;
  /** Credits taken back by this call. */
  taken: number;
  /** Credits given back by this call: taken for a refund that then failed. */
  restored: number;
  /** Credits due but already spent (or held): not recoverable from the bucket. */
  unrecovered: number;
  balance: number | null;
};

/** The share of a pack's credits a cumulative refund covers, rounded down (a partial refund never takes more than its share). */
export function creditsDueForRefund(packCredits: number, amountCents: number, refundedCents: number): number {
  if (amountCents <= 0 || refundedCents <= 0) return 0;
  if (refundedCents >= amountCents) return packCredits;
  return Number((BigInt(packCredits) * BigInt(refundedCents)) / BigInt(amountCents));
}

export async function takeBackRefundedPurchase(
  tx: Executor,
  orgId: string,
  input: { paymentId: string; amountCents: number; refundedCents: number; actor: string; now?: Date },
): Promise<PurchaseRefundResult> {
  const now = input.now ?? new Date();
  const [grant] = await tx
    .select({ id: creditGrants.id, amount: creditGrants.amount })
    .from(creditGrants)
    .where(and(eq(creditGrants.orgId, orgId), eq(creditGrants.idempotencyKey, `purchase:${input.paymentId}`)));
  if (!grant) return { bucketId: null, due: 0, taken: 0, restored: 0, unrecovered: 0, balance: null };
  const due = creditsDueForRefund(grant.amount, input.amountCents, input.refundedCents);
  const reference = `refund:${input.paymentId}`;
  const outcome = await runMovement(tx, orgId, now, { bucketIds: [grant.id] }, async (account) => {
    // Read under the organization's lock (runMovement took it), so two refund events of one
    // payment processed at once cannot both take the same credits.
    const [prior] = await selectRows(
      { taken: int },
      sql`select coalesce(-sum(bucket_delta), 0) as taken from credit_ledger
          where org_id = ${orgId} and bucket_id = ${grant.id} and kind = 'adjustment' and reference = ${reference}`,
      tx,
    );
    const alreadyTaken = prior?.taken ?? 0;
    if (alreadyTaken > due) {
      const restore = alreadyTaken - due;
      const meta: OpMeta = {
        operationId: newId("led"),
        actor: input.actor,
        reference,
        reason: "credit pack refund failed",
      };
      account.adjust(restore, meta, { bucketId: grant.id });
      return { taken: 0, restored: restore, unrecovered: 0 };
    }
    const owed = due - alreadyTaken;
    const bucket = account.buckets.find((b) => b.id === grant.id);
    const take = Math.min(owed, bucket?.remaining ?? 0, Math.max(0, account.balance));
    const meta: OpMeta = { operationId: newId("led"), actor: input.actor, reference, reason: "credit pack refunded" };
    if (take > 0) account.adjust(-take, meta, { bucketId: grant.id });
    return { taken: take, restored: 0, unrecovered: owed - take };
  });
  return {
    bucketId: grant.id,
    due,
    taken: outcome.result.taken,
    restored: outcome.result.restored,
    unrecovered: outcome.result.unrecovered,
    balance: outcome.balance,
  };
}
