import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as voidRoute from "@/app/api/v1/invoices/[id]/void/route";
import * as notesRoute from "@/app/api/v1/invoices/[id]/credit-notes/route";
import * as listRoute from "@/app/api/v1/credit-notes/route";
import * as oneRoute from "@/app/api/v1/credit-notes/[id]/route";
import * as pdfRoute from "@/app/api/v1/credit-notes/[id]/pdf/route";
import * as voidNoteRoute from "@/app/api/v1/credit-notes/[id]/void/route";
import * as markPaid from "@/app/api/v1/admin/invoices/[id]/mark-paid/route";
import { db } from "@/lib/db/client";
import { creditNotes, invoiceLines, payments, webhookMessages } from "@/lib/db/schema";
import { issueInvoice } from "@/lib/invoices/issue-invoice";
import { issueCreditNote } from "@/lib/invoices/credit-notes";
import { revenueSeries, seriesJson } from "@/lib/revenue/series";
import { call, customerKey, issueFixedInvoice, makeOrg, platformKey, uid } from "./support/fixtures";
import { pdfText } from "./support/pdf-text";

type Err = { error: { code: string; message: string; details?: { field: string }[] } };
type InvoiceOut = { id: string; status: string; void_reason: string | null; voided_at: string | null };
type NoteOut = {
  id: string;
  number: string;
  amount_cents: number;
  outcome: string;
  balance_remaining_cents: number;
  invoice_id: string;
  pdf_url: string;
  lines: { invoice_line_id: string | null; description: string; amount_cents: number }[];
};

const openInvoice = async (orgId: string, amounts = [1000, 500]) => (await issueFixedInvoice(orgId, amounts)).invoice;

/** An invoice paid by bank transfer (recorded by the operator): its payment is the one a refund goes back to. */
async function paidInvoice(key: string, orgId: string, amounts = [1000, 500]) {
  const inv = await openInvoice(orgId, amounts);
  const r = await call(markPaid.POST, "POST", `/api/v1/admin/invoices/${inv.id}/mark-paid`, {
    key,
    params: { id: inv.id },
    body: { method: "bank_transfer", reference: `ref-${uid()}` },
  });
  expect(r.status).toBe(200);
  const lines = await db.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, inv.id));
  return { inv, lines: lines.sort((a, b) => a.position - b.position) };
}

const credit = (key: string, invoiceId: string, body: Record<string, unknown>, idem = uid()) =>
  call<NoteOut & Err>(notesRoute.POST, "POST", `/api/v1/invoices/${invoiceId}/credit-notes`, {
    key,
    params: { id: invoiceId },
    body,
    headers: { "idempotency-key": idem },
  });

const eventTypes = async (orgId: string) =>
  (await db.select({ type: webhookMessages.type }).from(webhookMessages).where(eq(webhookMessages.orgId, orgId))).map(
    (m) => m.type,
  );

describe("voiding an invoice", () => {
  it("voids an open invoice with its reason; no payment can be recorded after, and voiding again changes nothing", async () => {
    const key = await platformKey();
    const org = await makeOrg();
    const inv = await openInvoice(org.id);
    const noReason = await call<Err>(voidRoute.POST, "POST", `/api/v1/invoices/${inv.id}/void`, {
      key,
      params: { id: inv.id },
      body: { reason: " " },
    });
    expect(noReason.status).toBe(400);
    expect(noReason.json.error.details?.[0]?.field).toBe("reason");

    const v = await call<InvoiceOut>(voidRoute.POST, "POST", `/api/v1/invoices/${inv.id}/void`, {
      key,
      params: { id: inv.id },
      body: { reason: "Issued to the wrong customer" },
    });
    expect(v.status).toBe(200);
    expect(v.json).toMatchObject({ status: "void", void_reason: "Issued to the wrong customer" });
    expect(v.json.voided_at).not.toBeNull();
    expect(await eventTypes(org.id)).toContain("invoice.voided");

    const pay = await call<Err>(markPaid.POST, "POST", `/api/v1/admin/invoices/${inv.id}/mark-paid`, {
      key,
      params: { id: inv.id },
      body: { method: "cash", reference: "late" },
    });
    expect(pay.status).toBe(409);
    expect(pay.json.error.message).toContain("void");

    const again = await call<InvoiceOut>(voidRoute.POST, "POST", `/api/v1/invoices/${inv.id}/void`, {
      key,
      params: { id: inv.id },
      body: { reason: "Another reason" },
    });
    expect(again.json).toMatchObject({ status: "void", void_reason: "Issued to the wrong customer" });
  });

  it("refuses to void a paid invoice (a credit note is for that), and refuses customers", async () => {
    const key = await platformKey();
    const org = await makeOrg();
    const { inv } = await paidInvoice(key, org.id);
    const r = await call<Err>(voidRoute.POST, "POST", `/api/v1/invoices/${inv.id}/void`, {
      key,
      params: { id: inv.id },
      body: { reason: "Too late" },
    });
    expect(r.status).toBe(409);
    expect(r.json.error.message).toContain("credit note");

    const open = await openInvoice(org.id);
    const customer = await call<Err>(voidRoute.POST, "POST", `/api/v1/invoices/${open.id}/void`, {
      key: await customerKey(org.id),
      params: { id: open.id },
      body: { reason: "I'd rather not pay" },
    });
    expect(customer.status).toBe(403);
  });
});

describe("credit notes", () => {
  it("refunds part of a line to the payment, numbered in its own sequence, and never more than is left of a line or the invoice", async () => {
    const key = await platformKey();
    const org = await makeOrg();
    const { inv, lines } = await paidInvoice(key, org.id);

    const first = await credit(key, inv.id, {
      reason: "Outage on the 3rd",
      outcome: "refund_to_card",
      lines: [{ invoice_line_id: lines[0]!.id, amount_cents: 300 }],
    });
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ amount_cents: 300, outcome: "refund_to_card", balance_remaining_cents: 0 });
    expect(first.json.number).toMatch(/^CN-\d{6}$/);
    expect(first.json.lines).toEqual([
      {
        id: expect.any(String),
        invoice_line_id: lines[0]!.id,
        description: "Line 1",
        amount_cents: 300,
        net_cents: 300,
        tax_cents: 0,
        tax_percentage: null,
      },
    ]);
    const [pay] = await db.select().from(payments).where(eq(payments.invoiceId, inv.id));
    expect(pay).toMatchObject({ amountRefundedCents: 300, status: "partially_refunded" });
    expect(await eventTypes(org.id)).toContain("credit_note.created");

    // Line 1 has 700 left: 800 of it is refused, naming the field.
    const tooMuchLine = await credit(key, inv.id, {
      reason: "More",
      outcome: "next_invoice_balance",
      lines: [{ invoice_line_id: lines[0]!.id, amount_cents: 800 }],
    });
    expect(tooMuchLine.status).toBe(400);
    expect(tooMuchLine.json.error.details?.[0]?.field).toBe("lines.0.amount_cents");
    expect(tooMuchLine.json.error.message).toContain("$7.00");

    // The whole of line 2 (500) and the rest of line 1 (700): the invoice's 1,500 is then all credited.
    const second = await credit(key, inv.id, {
      reason: "Goodwill",
      outcome: "customer_credit_balance",
      lines: [{ invoice_line_id: lines[1]!.id }, { invoice_line_id: lines[0]!.id }],
    });
    expect(second.status).toBe(201);
    expect(second.json).toMatchObject({ amount_cents: 1200, balance_remaining_cents: 1200 });
    // Its own sequence: the next number, whatever invoices were numbered meanwhile.
    expect(Number(second.json.number.slice(3))).toBeGreaterThan(Number(first.json.number.slice(3)));

    const free = await credit(key, inv.id, { reason: "Anything", outcome: "next_invoice_balance", amount_cents: 1 });
    expect(free.status).toBe(400);
    expect(free.json.error.details?.[0]?.field).toBe("amount_cents");

    const foreign = await openInvoice(org.id);
    const notOfIt = await credit(key, inv.id, {
      reason: "x",
      outcome: "next_invoice_balance",
      lines: [
        {
          invoice_line_id: (await db.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, foreign.id)))[0]!.id,
        },
      ],
    });
    expect(notOfIt.status).toBe(400);
    expect(notOfIt.json.error.details?.[0]?.field).toBe("lines.0.invoice_line_id");

    const unpaid = await credit(key, foreign.id, { reason: "x", outcome: "next_invoice_balance", amount_cents: 100 });
    expect(unpaid.status).toBe(409);
    expect(unpaid.json.error.message).toContain("voided");
  });

  it("keeps a balance that the customer's next invoices take as a line 'Credit from CN-…'", async () => {
    const key = await platformKey();
    const org = await makeOrg();
    const { inv } = await paidInvoice(key, org.id);
    const note = await credit(key, inv.id, {
      reason: "Overcharged",
      outcome: "next_invoice_balance",
      amount_cents: 1200,
      description: "Overcharge",
    });
    expect(note.status).toBe(201);

    const next = await openInvoice(org.id, [1000]);
    expect(next).toMatchObject({ totalCents: 0, amountDueCents: 0, status: "paid" });
    const nextLines = await db.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, next.id));
    expect(nextLines.map((l) => [l.description, l.amountCents]).sort()).toEqual([
      [`Credit from ${note.json.number}`, -1000],
      ["Line 1", 1000],
    ]);
    const after = await openInvoice(org.id, [500]);
    expect(after).toMatchObject({ totalCents: 300, amountDueCents: 300, status: "open" });
    const [row] = await db.select().from(creditNotes).where(eq(creditNotes.id, note.json.id));
    expect(row!.balanceRemainingCents).toBe(0);
    // Nothing left: the one after that is billed in full.
    expect(await openInvoice(org.id, [400])).toMatchObject({ totalCents: 400 });
  });

  it("voids a balance no invoice has taken, with its reason, once; refuses a refund, a balance taken in part, and customers", async () => {
    const key = await platformKey();
    const org = await makeOrg();
    const { inv } = await paidInvoice(key, org.id);
    const voidNote = (id: string, as = key) =>
      call<NoteOut & Err & { status: string; void_reason: string | null; voided_at: string | null }>(
        voidNoteRoute.POST,
        "POST",
        `/api/v1/credit-notes/${id}/void`,
        { key: as, params: { id }, body: { reason: "Issued on the wrong invoice" } },
      );
    const mistake = await credit(key, inv.id, { reason: "Oops", outcome: "next_invoice_balance", amount_cents: 1500 });
    expect(mistake.status).toBe(201);
    // The customer cannot; the operator can.
    expect((await voidNote(mistake.json.id, await customerKey(org.id))).status).toBe(403);
    const voided = await voidNote(mistake.json.id);
    expect(voided.status).toBe(200);
    expect(voided.json).toMatchObject({
      status: "void",
      balance_remaining_cents: 0,
      void_reason: "Issued on the wrong invoice",
    });
    expect(voided.json.voided_at).not.toBeNull();
    expect((await voidNote(mistake.json.id)).json).toMatchObject({ status: "void", voided_at: voided.json.voided_at });
    expect((await eventTypes(org.id)).filter((t) => t === "credit_note.voided")).toHaveLength(1);
    // Nothing of it reaches the next invoice, and the whole invoice can be credited again.
    expect(await openInvoice(org.id, [700])).toMatchObject({ totalCents: 700 });
    const whole = await credit(key, inv.id, {
      reason: "Right one",
      outcome: "next_invoice_balance",
      amount_cents: 1500,
    });
    expect(whole.status).toBe(201);

    // Its balance taken in part by an invoice: no longer voidable.
    await openInvoice(org.id, [400]);
    const taken = await voidNote(whole.json.id);
    expect(taken.status).toBe(409);
    expect(taken.json.error.message).toContain("$4.00 of credit note");
    // A refund cannot be taken back.
    const other = await paidInvoice(key, org.id);
    const refunded = await credit(key, other.inv.id, {
      reason: "Refund",
      outcome: "refund_to_card",
      amount_cents: 100,
    });
    const refused = await voidNote(refunded.json.id);
    expect(refused.status).toBe(409);
    expect(refused.json.error.message).toContain("a refund cannot be taken back");
    expect((await voidNote("cn_nope")).status).toBe(404);
  });

  it("never over-credits when two notes are issued at once", async () => {
    const key = await platformKey();
    const org = await makeOrg();
    const { inv } = await paidInvoice(key, org.id);
    const both = await Promise.all([
      credit(key, inv.id, { reason: "a", outcome: "next_invoice_balance", amount_cents: 1000 }),
      credit(key, inv.id, { reason: "b", outcome: "next_invoice_balance", amount_cents: 1000 }),
    ]);
    expect(both.map((r) => r.status).sort()).toEqual([201, 400]);
    const notes = await db.select().from(creditNotes).where(eq(creditNotes.invoiceId, inv.id));
    expect(notes.reduce((s, n) => s + n.amountCents, 0)).toBe(1000);
  });

  it("issues once per idempotency key, and needs one", async () => {
    const key = await platformKey();
    const org = await makeOrg();
    const { inv } = await paidInvoice(key, org.id);
    const body = { reason: "Once", outcome: "next_invoice_balance", amount_cents: 200 };
    const a = await credit(key, inv.id, body, "same-key");
    const b = await credit(key, inv.id, body, "same-key");
    expect(a.status).toBe(201);
    expect(b.json.id).toBe(a.json.id);
    expect(b.headers.get("idempotent-replayed")).toBe("true");
    expect(await db.select().from(creditNotes).where(eq(creditNotes.invoiceId, inv.id))).toHaveLength(1);
    const noKey = await call<Err>(notesRoute.POST, "POST", `/api/v1/invoices/${inv.id}/credit-notes`, {
      key,
      params: { id: inv.id },
      body,
    });
    expect(noKey.status).toBe(400);
  });

  it("lets a customer read its own credit notes and their PDF, never another's, and never issue one", async () => {
    const key = await platformKey();
    const [a, b] = [await makeOrg(), await makeOrg()];
    const { inv } = await paidInvoice(key, a.id);
    const note = (await credit(key, inv.id, { reason: "Late delivery", outcome: "refund_to_card", amount_cents: 250 }))
      .json;
    const aKey = await customerKey(a.id);
    const bKey = await customerKey(b.id);

    const own = await call<{ data: NoteOut[] }>(listRoute.GET, "GET", "/api/v1/credit-notes", { key: aKey });
    expect(own.json.data.map((n) => n.id)).toEqual([note.id]);
    const other = await call<{ data: NoteOut[] }>(listRoute.GET, "GET", "/api/v1/credit-notes", { key: bKey });
    expect(other.json.data).toEqual([]);
    expect(
      (await call(oneRoute.GET, "GET", `/api/v1/credit-notes/${note.id}`, { key: bKey, params: { id: note.id } }))
        .status,
    ).toBe(404);
    expect(
      (await call(pdfRoute.GET, "GET", `/api/v1/credit-notes/${note.id}/pdf`, { key: bKey, params: { id: note.id } }))
        .status,
    ).toBe(404);
    const issueAsCustomer = await credit(aKey, inv.id, { reason: "Me", outcome: "refund_to_card", amount_cents: 1 });
    expect(issueAsCustomer.status).toBe(403);

    const res = await pdfRoute.GET(
      new Request(`http://tally.test/api/v1/credit-notes/${note.id}/pdf`, {
        headers: { authorization: `Bearer ${aKey}` },
      }),
      { params: Promise.resolve({ id: note.id }) },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    const text = pdfText(new Uint8Array(await res.arrayBuffer())).join("\n");
    expect(text).toContain("CREDIT NOTE");
    expect(text).toContain(`Number ${note.number}`);
    expect(text).toContain(`Credits invoice ${inv.number}`);
    expect(text).toContain("Reason: Late delivery");
    expect(text).toContain("$2.50");
    expect(text).toContain("REFUNDED");
    // A refunded payment is no longer fully "succeeded".
    const [pay] = await db
      .select()
      .from(payments)
      .where(and(eq(payments.invoiceId, inv.id), eq(payments.orgId, a.id)));
    expect(pay!.amountRefundedCents).toBe(250);
  });

  it("gives revenue back in the month it is issued; a test-mode invoice's note never counts", async () => {
    const key = await platformKey();
    const org = await makeOrg();
    const month = new Date().toISOString().slice(0, 7);
    const creditNotesThisMonth = async () =>
      seriesJson(await revenueSeries({ from: month, to: month, currency: "usd" })).data[0]!.credit_notes_cents;
    const before = await creditNotesThisMonth();
    const { inv } = await paidInvoice(key, org.id);
    expect(
      (await credit(key, inv.id, { reason: "r", outcome: "customer_credit_balance", amount_cents: 400 })).status,
    ).toBe(201);
    const { invoice: test } = await issueInvoice(db, {
      orgId: org.id,
      currency: "usd",
      lines: [{ kind: "fixed", description: "Sandbox", quantity: "1", amountCents: 900 }],
      sourceKey: `test:${uid()}`,
      issuedAt: new Date(),
      paid: true,
      livemode: false,
    });
    await issueCreditNote(test.id, { reason: "r", outcome: "next_invoice_balance", amount_cents: 900 }, "test");
    expect((await creditNotesThisMonth()) - before).toBe(400);
  });
});
