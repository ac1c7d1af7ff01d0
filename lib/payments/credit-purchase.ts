// A paid credit pack becomes credits: called once per payment by the Stripe webhook and by the
// local sandbox, in the same transaction that records the payment (the grant is keyed by the
// payment id, so a redelivered webhook grants nothing more).
import "server-only";
import { grantPurchasedCredits } from "@/lib/credits/grant-credits";
import type { Executor } from "@/lib/db/client";

export async function onCreditPackPaid(x: Executor, input: { orgId: string; creditProductId: string; paymentId: string; at: Date }): Promise<void> {
  await grantPurchasedCredits(input.orgId, { creditProductId: input.creditProductId, paymentId: input.paymentId, actor: `payment:${input.paymentId}`, now: input.at }, x);
}
