// Payments (charges), upserted by the provider's id: a webhook delivered twice records one payment.
// Provider events arrive in any order, so an update converges rather than overwrites: refunds only
// grow, a later "succeeded" never undoes a refund already recorded, and a row first written by a
// refund (kind "other", nothing else known) takes the kind and pack of the purchase when it comes.
// The one exception: a refund that failed at the provider (re-read there) lowers the amount refunded
// to what the provider now says (`refundFailed`).
import "server-only";
import { sql } from "drizzle-orm";
import type { Executor } from "@/lib/db/client";
import { payments, type Payment } from "@/lib/db/schema";
import { newId } from "@/lib/ids";

export type PaymentInput = Omit<typeof payments.$inferInsert, "id" | "updatedAt">;

export async function recordPayment(
  tx: Executor,
  input: PaymentInput,
  opts: { refundFailed?: boolean } = {},
): Promise<Payment> {
  const [row] = await tx
    .insert(payments)
    .values({ id: newId("pay"), ...input })
    .onConflictDoUpdate({
      target: [payments.provider, payments.providerPaymentId, payments.orgId],
      set: {
        status: opts.refundFailed
          ? input.status
          : sql`case when ${payments.amountRefundedCents} > 0 and ${input.status} = 'succeeded' then ${payments.status} else ${input.status} end`,
        kind: sql`case when ${payments.kind} = 'other' then ${input.kind} else ${payments.kind} end`,
        creditProductId: sql`coalesce(${payments.creditProductId}, ${input.creditProductId ?? null})`,
        amountRefundedCents: opts.refundFailed
          ? (input.amountRefundedCents ?? 0)
          : sql`greatest(${payments.amountRefundedCents}, ${input.amountRefundedCents ?? 0})`,
        failureMessage: input.failureMessage ?? null,
        invoiceId: sql`coalesce(${payments.invoiceId}, ${input.invoiceId ?? null})`,
        receiptUrl: sql`coalesce(${input.receiptUrl ?? null}, ${payments.receiptUrl})`,
        paymentMethodLabel: sql`coalesce(${input.paymentMethodLabel ?? null}, ${payments.paymentMethodLabel})`,
        updatedAt: new Date(),
      },
    })
    .returning();
  return row!;
}
