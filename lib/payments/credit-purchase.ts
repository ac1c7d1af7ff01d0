// A paid credit pack becomes credits: called once per payment by the Stripe webhook and by the
// local sandbox, in the same transaction that records the payment.
import "server-only";
import type { Executor } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";

export async function onCreditPackPaid(_x: Executor, _input: { orgId: string; creditProductId: string; paymentId: string; at: Date }): Promise<void> {
  // Wired to the credits ledger (grantPurchasedCredits) when that domain lands.
  throw new AppError("unavailable", "Credit purchases need the credits ledger, which is not installed yet.");
}
