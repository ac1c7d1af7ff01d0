import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as voidRoute from "@/app/api/v1/invoices/[id]/void/route";
import * as notesRoute from "@/app/api/v1/invoices/[id]/credit-notes/route";
import * as pdfRoute from "@/app/api/v1/credit-notes/[id]/pdf/route";
import * as invoicePdf from "@/app/api/v1/billing/invoices/[id]/pdf/route";
import { db } from "@/lib/db/client";
import { creditNotes, invoices, webhookMessages } from "@/lib/db/schema";
import { call, customerKey, platformKey, uid } from "./support/fixtures";
import { withStripeServer } from "./support/stripe-env";
import { mirroredStripeInvoice } from "./support/stripe-invoices";

const stripe = withStripeServer({ STRIPE_WEBHOOK_SECRET: "whsec_credit_notes" });

type Err = { error: { code: string; message: string; details?: { field: string }[] } };
type NoteOut = { id: string; number: string; amount_cents: number; pdf_url: string; provider: string };

/** A Stripe invoice for the customer (paid and charged, or open), mirrored into Tally. */
const stripeInvoice = (status: "paid" | "open", amount = 5000) => mirroredStripeInvoice(stripe, { status, amount });

const credit = (key: string, invoiceId: string, body: Record<string, unknown>) =>
  call<NoteOut & Err>(notesRoute.POST, "POST", `/api/v1/invoices/${invoiceId}/credit-notes`, {
    key,
    params: { id: invoiceId },
    body: { ...body, idempotency_key: uid() },
  });

describe("void and credit notes with Stripe", () => {
  it("voids an open Stripe invoice at Stripe and mirrors it, with Tally's reason and an invoice.voided event", async () => {
    const key = await platformKey();
    const { org, row, stripeInvoiceId } = await stripeInvoice("open");
    const r = await call<{ status: string; void_reason: string }>(
      voidRoute.POST,
      "POST",
      `/api/v1/invoices/${row.id}/void`,
      {
        key,
        params: { id: row.id },
        body: { reason: "Duplicate" },
      },
    );
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ status: "void", void_reason: "Duplicate" });
    expect(stripe.objects.get(stripeInvoiceId)!.status).toBe("void");
    const types = (await db.select().from(webhookMessages).where(eq(webhookMessages.orgId, org.id))).map((m) => m.type);
    expect(types).toContain("invoice.voided");
  });

  it("refunds through a Stripe credit note: the charge is refunded, the note keeps Stripe's number and PDF", async () => {
    const key = await platformKey();
    const { row, chargeId, stripeInvoiceId } = await stripeInvoice("paid", 5000);
    const r = await credit(key, row.id, {
      reason: "Outage",
      outcome: "refund_to_card",
      lines: [{ invoice_line_id: (await linesOf(row.id))[0]!, amount_cents: 1500 }],
    });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ amount_cents: 1500, provider: "stripe" });
    const [note] = await db.select().from(creditNotes).where(eq(creditNotes.id, r.json.id));
    const atStripe = stripe.objects.get(note!.stripeCreditNoteId!)!;
    expect(atStripe).toMatchObject({ invoice: stripeInvoiceId, amount: 1500, refund_amount: 1500, memo: "Outage" });
    expect(r.json.number).toBe(atStripe.number);
    expect(note!.providerRefundId).toBe((atStripe.refunds as { refund: string }[])[0]!.refund);
    expect(stripe.objects.get(chargeId)!.amount_refunded).toBe(1500);
    // The PDF is Stripe's.
    const pdf = await call(pdfRoute.GET, "GET", `/api/v1/credit-notes/${note!.id}/pdf`, {
      key,
      params: { id: note!.id },
    });
    expect(pdf.status).toBe(302);
    expect(pdf.headers.get("location")).toBe(atStripe.pdf);
    // The invoice's own PDF redirects to Stripe's too (route() adds its request id to the redirect).
    const invPdf = await call(invoicePdf.GET, "GET", `/api/v1/billing/invoices/${row.id}/pdf`, {
      key,
      params: { id: row.id },
    });
    expect(invPdf.status).toBe(302);
    expect(invPdf.headers.get("location")).toBe(row.pdfUrl);
  });

  it("keeps a balance as the customer's Stripe balance, and refuses more than is left before asking Stripe", async () => {
    const key = await platformKey();
    const { row, customerId } = await stripeInvoice("paid", 3000);
    const ok = await credit(key, row.id, {
      reason: "Goodwill",
      outcome: "customer_credit_balance",
      amount_cents: 2000,
    });
    expect(ok.status).toBe(201);
    expect(stripe.objects.get(customerId)!.balance).toBe(-2000);
    const notesBefore = stripe.list("credit_note").length;
    const over = await credit(key, row.id, { reason: "More", outcome: "next_invoice_balance", amount_cents: 1001 });
    expect(over.status).toBe(400);
    expect(over.json.error.details?.[0]?.field).toBe("amount_cents");
    expect(stripe.list("credit_note")).toHaveLength(notesBefore);
    // A customer can never issue one.
    const asCustomer = await credit(await customerKey(row.orgId), row.id, {
      reason: "Me",
      outcome: "refund_to_card",
      amount_cents: 1,
    });
    expect(asCustomer.status).toBe(403);
    const [inv] = await db.select().from(invoices).where(eq(invoices.id, row.id));
    expect(inv!.status).toBe("paid");
  });
});

async function linesOf(invoiceId: string): Promise<string[]> {
  const { invoiceLines } = await import("@/lib/db/schema");
  return (await db.select({ id: invoiceLines.id }).from(invoiceLines).where(eq(invoiceLines.invoiceId, invoiceId))).map(
    (l) => l.id,
  );
}
