// A paid credit pack becomes credits: called once per payment by the Stripe webhook and by the
// local sandbox, in the same transaction that records the payment (the grant is keyed by the
// payment id, so a redelivered webhook grants nothing more). A refund of that payment takes its
// share of the credits back, in the refund event's transaction.
import "server-only";
import { grantPurchasedCredits } from "@/lib/credits/grant-credits";
import { takeBackRefundedPurchase, type PurchaseRefundResult } from "@/lib/credits/purchase-refund";
import type { Executor } from "@/lib/db/client";
import { log } from "@/lib/log";

export async function onCreditPackPaid(x: Executor, input: { orgId: string; creditProductId: string; paymentId: string; at: Date; livemode?: boolean }): Promise<void> {
  await grantPurchasedCredits(input.orgId, { creditProductId: input.creditProductId, paymentId: input.paymentId, actor: `payment:${input.paymentId}`, now: input.at, livemode: input.livemode }, x);
}

export async function onPaymentRefunded(
  x: Executor,
  input: { orgId: string; paymentId: string; amountCents: number; refundedCents: number; at: Date },
): Promise<PurchaseRefundResult> {
  const r = await takeBackRefundedPurchase(x, input.orgId, { paymentId: input.paymentId, amountCents: input.amountCents, refundedCents: input.refundedCents, actor: `refund:${input.paymentId}`, now: input.at });
  if (r.unrecovered > 0) {
    log.warn({ org_id: input.orgId, payment_id: input.paymentId, bucket_id: r.bucketId, unrecovered_credits: r.unrecovered }, "refunded credit pack: credits already spent could not be taken back");
  }
  return r;
}
