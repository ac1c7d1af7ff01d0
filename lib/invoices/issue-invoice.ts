// Invoices issued by Tally itself (the local provider): numbered from one sequence, lines in minor
// units, one invoice per source key (a subscription period, a checkout), so a job that runs twice
// issues once.
import "server-only";
import { eq, sql } from "drizzle-orm";
import type { Executor } from "@/lib/db/client";
import { rows } from "@/lib/db/client";
import { invoiceLines, invoices, type Invoice, type InvoiceLine } from "@/lib/db/schema";
import { newId } from "@/lib/ids";

export type NewLine = Omit<typeof invoiceLines.$inferInsert, "id" | "invoiceId" | "orgId" | "position">;

export async function nextInvoiceNumber(x: Executor): Promise<string> {
  const [r] = await rows<{ n: string }>(sql`select nextval('invoice_number_seq')::text as n`, x);
  return `TLY-${r!.n.padStart(6, "0")}`;
}

export async function issueInvoice(
  x: Executor,
  input: {
    orgId: string;
    currency: string;
    lines: NewLine[];
    subscriptionId?: string | null;
    periodStart?: Date | null;
    periodEnd?: Date | null;
    description?: string;
    sourceKey: string;
    issuedAt: Date;
    /** Paid at issue (a checkout that just succeeded), or left open for a charge attempt. */
    paid: boolean;
    /** False for the invoices of test (sandbox) subscriptions and purchases. */
    livemode?: boolean;
  },
): Promise<{ invoice: Invoice; lines: InvoiceLine[]; created: boolean }> {
  const [existing] = await x.select().from(invoices).where(eq(invoices.sourceKey, input.sourceKey));
  if (existing)
    return {
      invoice: existing,
      lines: await x.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, existing.id)),
      created: false,
    };
  const total = input.lines.reduce((s, l) => s + l.amountCents, 0);
  const id = newId("inv");
  const [invoice] = await x
    .insert(invoices)
    .values({
      id,
      orgId: input.orgId,
      provider: "local",
      number: await nextInvoiceNumber(x),
      status: input.paid || total === 0 ? "paid" : "open",
      currency: input.currency,
      subtotalCents: total,
      totalCents: total,
      amountPaidCents: input.paid || total === 0 ? total : 0,
      amountDueCents: input.paid || total === 0 ? 0 : total,
      subscriptionId: input.subscriptionId ?? null,
      periodStart: input.periodStart ?? null,
      periodEnd: input.periodEnd ?? null,
      issuedAt: input.issuedAt,
      dueAt: input.issuedAt,
      paidAt: input.paid || total === 0 ? input.issuedAt : null,
      description: input.description ?? null,
      sourceKey: input.sourceKey,
      livemode: input.livemode ?? true,
    })
    .returning();
  const lines = input.lines.length
    ? await x
        .insert(invoiceLines)
        .values(input.lines.map((l, i) => ({ ...l, id: newId("inl"), invoiceId: id, orgId: input.orgId, position: i })))
        .returning()
    : [];
  return { invoice: invoice!, lines, created: true };
}

export async function markInvoicePaid(x: Executor, invoiceId: string, at: Date): Promise<Invoice> {
  const [inv] = await x
    .update(invoices)
    .set({ status: "paid", amountPaidCents: sql`${invoices.totalCents}`, amountDueCents: 0, paidAt: at })
    .where(eq(invoices.id, invoiceId))
    .returning();
  return inv!;
}
