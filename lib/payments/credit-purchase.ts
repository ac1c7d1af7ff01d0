// A paid credit pack becomes credits: called once per payment by the Stripe webhook and by the
// local sandbox, in the same transaction that records the payment (the grant is keyed by the
// payment id, so a redelivered webhook grants nothing more). A refund of that payment takes its
// share of the credits back, in the refund event's transaction — only a refund reported by the
// provider that took the payment: payment ids are unique per provider, not across providers, so a
// Stripe refund event naming a sandbox payment's id finds no Stripe payment and takes nothing.
import "server-only";
import { and, eq } from "drizzle-orm";
import { grantPurchasedCredits } from "@/lib/credits/grant-credits";
import { takeBackRefundedPurchase, type PurchaseRefundResult } from "@/lib/credits/purchase-refund";
import type { Executor } from "@/lib/db/client";
import { payments, type Provider } from "@/lib/db/schema";
import { log } from "@/lib/log";

export async function onCreditPackPaid(
  tx: Executor,
  input: { orgId: string; creditProductId: string; paymentId: string; at: Date; livemode?: boolean },
): Promise<void> {
  await grantPurchasedCredits(
    input.orgId,
    {
      creditProductId: input.creditProductId,
      paymentId: input.paymentId,
      actor: `payment:${input.paymentId}`,
      now: input.at,
      livemode: input.livemode,
    },
    tx,
  );
}

export async function onPaymentRefunded(
  tx: Executor,
  input: { orgId: string; provider: Provider; paymentId: string; amountCents: number; refundedCents: number; at: Date },
): Promise<PurchaseRefundResult> {
  const [bought] = await tx
    .select({ id: payments.id })
    .from(payments)
    .where(
      and(
        eq(payments.orgId, input.orgId),
        eq(payments.provider, input.provider),
        eq(payments.providerPaymentId, input.paymentId),
        eq(payments.kind, "credits"),
      ),
    );
  if (!bought) return { bucketId: null, due: 0, taken: 0, restored: 0, unrecovered: 0, balance: null };
  const r = await takeBackRefundedPurchase(tx, input.orgId, {
    paymentId: input.paymentId,
    amountCents: input.amountCents,
    refundedCents: input.refundedCents,
    actor: `refund:${input.paymentId}`,
    now: input.at,
  });
  if (r.unrecovered > 0) {
    log.warn(
      { org_id: input.orgId, payment_id: input.paymentId, bucket_id: r.bucketId, unrecovered_credits: r.unrecovered },
      "refunded credit pack: credits already spent could not be taken back",
    );
  }
  return r;
}
