// Payments (charges), upserted by the provider's id: a webhook delivered twice records one payment.
import "server-only";
import { sql } from "drizzle-orm";
import type { Executor } from "@/lib/db/client";
import { payments, type Payment } from "@/lib/db/schema";
import { newId } from "@/lib/ids";

export type PaymentInput = Omit<typeof payments.$inferInsert, "id" | "updatedAt">;

export async function recordPayment(x: Executor, input: PaymentInput): Promise<Payment> {
  const [row] = await x
    .insert(payments)
    .values({ id: newId("pay"), ...input })
    .onConflictDoUpdate({
      target: [payments.provider, payments.providerPaymentId],
      set: {
        status: input.status,
        amountRefundedCents: sql`greatest(${payments.amountRefundedCents}, ${input.amountRefundedCents ?? 0})`,
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
