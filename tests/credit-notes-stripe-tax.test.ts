// Credit notes on taxed Stripe invoices (docs/credit-notes.md, "Tax"): the mirror keeps each Stripe
// line's tax under Tally's rate, a note credits it by the invoice's own rule, and Stripe's credit
// note — worked out by the Stripe-shaped server from the lines Tally sends, as Stripe applies tax
// rates — carries the same net, tax and total to the cent; the tax report takes the note off.
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import * as notesRoute from "@/app/api/v1/invoices/[id]/credit-notes/route";
import * as taxRatesRoute from "@/app/api/v1/tax-rates/route";
import * as taxReportRoute from "@/app/api/v1/reports/tax/route";
import { db } from "@/lib/db/client";
import { creditNoteLines, creditNotes, invoiceLines, taxRates } from "@/lib/db/schema";
import { ensureStripeTaxRate } from "@/lib/tax/stripe-tax";
import { call, platformKey, uid } from "./support/fixtures";
import { withStripeServer } from "./support/stripe-env";
import { mirroredStripeInvoice, mirrorStripeInvoice } from "./support/stripe-invoices";

const stripe = withStripeServer({ STRIPE_WEBHOOK_SECRET: "whsec_credit_notes_tax" });

type Err = { error: { code: string; message: string; details?: { field: string }[] } };
type NoteOut = {
  id: string;
  amount_cents: number;
  subtotal_cents: number;
  tax_cents: number;
  lines: { amount_cents: number; net_cents: number; tax_cents: number; tax_percentage: string | null }[];
};
type StripeNote = {
  total: number;
  subtotal: number;
  refund_amount: number;
  credit_amount: number;
  total_taxes: { amount: number; tax_behavior: string; tax_rate_details: { tax_rate: string } }[];
};

afterEach(async () => {
  await db.update(taxRates).set({ active: false });
});

/** One of Tally's rates, made a Stripe TaxRate as tax mode tally_rates does. */
async function tallyRate(key: string, body: Record<string, unknown>) {
  const made = await call<{ id: string }>(taxRatesRoute.POST, "POST", "/api/v1/tax-rates", { key, body });
  expect(made.status).toBe(201);
  return { id: made.json.id, stripeId: await ensureStripeTaxRate(made.json.id) };
}

/** A paid Stripe invoice of one line of `amount` under `taxRates` (charged), mirrored into Tally. */
const stripeInvoice = (amount: number, taxRateIds: string[]) =>
  mirroredStripeInvoice(stripe, { amount, taxRates: taxRateIds });

/** Stripe's current state of the invoice mirrored (as its invoice.updated webhook does). */
const mirror = mirrorStripeInvoice;

const credit = (key: string, invoiceId: string, body: Record<string, unknown>) =>
  call<NoteOut & Err>(notesRoute.POST, "POST", `/api/v1/invoices/${invoiceId}/credit-notes`, {
    key,
    params: { id: invoiceId },
    body: { ...body, idempotency_key: uid() },
  });

async function atStripe(noteId: string): Promise<StripeNote> {
  const [note] = await db.select().from(creditNotes).where(eq(creditNotes.id, noteId));
  return stripe.objects.get(note!.stripeCreditNoteId!) as unknown as StripeNote;
}

const stripeTax = (n: StripeNote) => n.total_taxes.reduce((s, t) => s + t.amount, 0);

/** What Tally stored of a note (its lines' net and tax, its total) is what Stripe's note holds. */
async function expectAgree(noteId: string) {
  const [note] = await db.select().from(creditNotes).where(eq(creditNotes.id, noteId));
  const lines = await db.select().from(creditNoteLines).where(eq(creditNoteLines.creditNoteId, noteId));
  const s = await atStripe(noteId);
  const net = lines.reduce((a, l) => a + (l.netCents ?? l.amountCents), 0);
  const tax = lines.reduce((a, l) => a + l.taxCents, 0);
  expect({ total: note!.amountCents, tax: note!.taxCents, net, linesTax: tax }).toEqual({
    total: s.total,
    tax: stripeTax(s),
    net: s.total - stripeTax(s),
    linesTax: stripeTax(s),
  });
}
const lastNoteRequest = () =>
  stripe.requests.filter((r) => r.method === "POST" && r.path === "/v1/credit_notes").at(-1)!;

async function report(key: string, country: string) {
  const day = new Date().toISOString().slice(0, 10);
  const r = await call<{ data: (Record<string, unknown> & { country: string })[] }>(
    taxReportRoute.GET,
    "GET",
    `/api/v1/reports/tax?from=${day}&to=${day}`,
    { key },
  );
  expect(r.status).toBe(200);
  return r.json.data.filter((row) => row.country === country);
}

describe("credit notes on taxed Stripe invoices", () => {
  it("exclusive rate: parts of a line credit its tax rounded once, the last part the rest — Stripe's notes carry the same tax and refund the gross", async () => {
    const key = await platformKey();
    const rate = await tallyRate(key, { country: "IE", name: "VAT", percentage: "23" });
    // 333 at 23 % → 76.59 → 77: 410 paid.
    const { org, row, line, chargeId, stripeInvoiceId } = await stripeInvoice(333, [rate.stripeId]);
    expect(row).toMatchObject({ subtotalCents: 333, taxCents: 77, totalCents: 410, amountPaidCents: 410 });
    expect(line).toMatchObject({
      amountCents: 333,
      netCents: 333,
      taxCents: 77,
      taxPercentage: "23",
      taxRateId: rate.id,
    });

    const a = await credit(key, row.id, {
      reason: "Outage",
      outcome: "refund_to_card",
      lines: [{ invoice_line_id: line.id, amount_cents: 111 }],
    });
    expect(a.status).toBe(201);
    // 111 × 23 % = 25.53 → 26.
    expect(a.json).toMatchObject({ amount_cents: 137, subtotal_cents: 111, tax_cents: 26 });
    expect(a.json.lines).toEqual([
      expect.objectContaining({ amount_cents: 111, net_cents: 111, tax_cents: 26, tax_percentage: "23" }),
    ]);
    // Stripe's own invoice line, with the amount in its terms: Stripe applies the line's rate.
    const stripeLineId = (stripe.objects.get(stripeInvoiceId)!.lines as { data: { id: string }[] }).data[0]!.id;
    expect(lastNoteRequest().body).toMatchObject({
      lines: [{ type: "invoice_line_item", invoice_line_item: stripeLineId, amount: "111" }],
      refund_amount: "137",
    });
    const sa = await atStripe(a.json.id);
    await expectAgree(a.json.id);
    expect(sa).toMatchObject({ total: 137, subtotal: 111, refund_amount: 137 });
    expect(stripeTax(sa)).toBe(26);
    expect(sa.total_taxes[0]).toMatchObject({
      tax_behavior: "exclusive",
      tax_rate_details: { tax_rate: rate.stripeId },
    });
    expect(stripe.objects.get(chargeId)!.amount_refunded).toBe(137);

    // Stripe says the invoice changed (a note on it): the mirror keeps the line's Tally id, so what was credited of it still counts.
    await mirror(org.id, stripeInvoiceId);
    const [again] = await db.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, row.id));
    expect(again!.id).toBe(line.id);

    const b = await credit(key, row.id, {
      reason: "Outage",
      outcome: "customer_credit_balance",
      lines: [{ invoice_line_id: line.id, amount_cents: 111 }],
    });
    expect(b.json).toMatchObject({ amount_cents: 137, tax_cents: 26 });
    const sb = await atStripe(b.json.id);
    await expectAgree(b.json.id);
    expect(sb).toMatchObject({ total: 137, credit_amount: 137 });
    expect(stripeTax(sb)).toBe(26);

    // The rest of the line: 111 with the rest of its tax, 25 (not 26) — at Stripe as in Tally.
    const over = await credit(key, row.id, {
      reason: "x",
      outcome: "refund_to_card",
      lines: [{ invoice_line_id: line.id, amount_cents: 112 }],
    });
    expect(over.status).toBe(400);
    expect(over.json.error.details?.[0]?.field).toBe("lines.0.amount_cents");
    const c = await credit(key, row.id, {
      reason: "Last",
      outcome: "refund_to_card",
      lines: [{ invoice_line_id: line.id }],
    });
    expect(c.status).toBe(201);
    expect(c.json).toMatchObject({ amount_cents: 136, subtotal_cents: 111, tax_cents: 25 });
    const sc = await atStripe(c.json.id);
    await expectAgree(c.json.id);
    expect(sc).toMatchObject({ total: 136, refund_amount: 136 });
    expect(stripeTax(sc)).toBe(25);
    expect(stripe.objects.get(chargeId)!.amount_refunded).toBe(273);

    // The whole invoice credited: the report's IE row nets to nothing, three notes taken off.
    expect(await report(key, "IE")).toEqual([
      expect.objectContaining({ net_cents: 0, tax_cents: 0, gross_cents: 0, invoice_count: 1, credit_note_count: 3 }),
    ]);
  });

  it("inclusive rate: a part carries the tax inside it, and a goodwill amount has its tax extracted — Stripe agrees", async () => {
    const key = await platformKey();
    const rate = await tallyRate(key, { country: "AT", name: "USt", percentage: "20", inclusive: true });
    // 1000 with 20 % inside: 166.67 → 167 tax, 833 net.
    const { row, line } = await stripeInvoice(1000, [rate.stripeId]);
    expect(row).toMatchObject({ subtotalCents: 833, taxCents: 167, totalCents: 1000 });
    expect(line).toMatchObject({ amountCents: 1000, netCents: 833, taxCents: 167, taxPercentage: "20" });

    const part = await credit(key, row.id, {
      reason: "Half",
      outcome: "refund_to_card",
      lines: [{ invoice_line_id: line.id, amount_cents: 500 }],
    });
    expect(part.status).toBe(201);
    // 500 × 20/120 = 83.33 → 83.
    expect(part.json).toMatchObject({ amount_cents: 500, subtotal_cents: 417, tax_cents: 83 });
    const sp = await atStripe(part.json.id);
    await expectAgree(part.json.id);
    expect(sp).toMatchObject({ total: 500, subtotal: 500, refund_amount: 500 });
    expect(stripeTax(sp)).toBe(83);
    expect(sp.total_taxes[0]).toMatchObject({ tax_behavior: "inclusive" });

    // Goodwill of 121: 20.17 → 20 inside, under the rate's own (inclusive) Stripe TaxRate.
    const taxRatesBefore = stripe.list("tax_rate").length;
    const goodwill = await credit(key, row.id, {
      reason: "Sorry",
      outcome: "customer_credit_balance",
      amount_cents: 121,
    });
    expect(goodwill.status).toBe(201);
    expect(goodwill.json).toMatchObject({ amount_cents: 121, subtotal_cents: 101, tax_cents: 20 });
    expect(lastNoteRequest().body).toMatchObject({
      lines: [{ type: "custom_line_item", unit_amount: "121", tax_rates: [rate.stripeId] }],
      credit_amount: "121",
    });
    const sg = await atStripe(goodwill.json.id);
    await expectAgree(goodwill.json.id);
    expect(sg).toMatchObject({ total: 121, credit_amount: 121 });
    expect(stripeTax(sg)).toBe(20);
    expect(stripe.list("tax_rate")).toHaveLength(taxRatesBefore);

    expect(await report(key, "AT")).toEqual([
      expect.objectContaining({ net_cents: 833 - 417 - 101, tax_cents: 167 - 83 - 20, credit_note_count: 2 }),
    ]);
  });

  it("inclusive rate in parts: half-cent taxes round up once each, the last part takes the rest — at Stripe too", async () => {
    const key = await platformKey();
    const rate = await tallyRate(key, { country: "SK", name: "DPH", percentage: "20", inclusive: true });
    // 333 with 20 % inside: 55.5 → 56.
    const { row, line } = await stripeInvoice(333, [rate.stripeId]);
    expect(line).toMatchObject({ amountCents: 333, netCents: 277, taxCents: 56 });
    const taxes: number[] = [];
    for (const amount of [111, 111, undefined]) {
      const r = await credit(key, row.id, {
        reason: "Part",
        outcome: "refund_to_card",
        lines: [{ invoice_line_id: line.id, ...(amount && { amount_cents: amount }) }],
      });
      expect(r.status).toBe(201);
      expect(r.json.amount_cents).toBe(111);
      await expectAgree(r.json.id);
      taxes.push(r.json.tax_cents);
    }
    // 111 × 20/120 = 18.5 → 19, twice; the last 56 − 38 = 18.
    expect(taxes).toEqual([19, 19, 18]);
    expect(await report(key, "SK")).toEqual([
      expect.objectContaining({ net_cents: 0, tax_cents: 0, credit_note_count: 3 }),
    ]);
  });

  it("a part whose tax rounds to nothing still goes as Stripe's line, so the rest takes all the line's tax at Stripe too", async () => {
    const key = await platformKey();
    const rate = await tallyRate(key, { country: "BE", name: "BTW", percentage: "21" });
    // 333 at 21 % → 69.93 → 70.
    const { row, line, stripeInvoiceId } = await stripeInvoice(333, [rate.stripeId]);
    const stripeLineId = (stripe.objects.get(stripeInvoiceId)!.lines as { data: { id: string }[] }).data[0]!.id;
    const tiny = await credit(key, row.id, {
      reason: "x",
      outcome: "refund_to_card",
      lines: [{ invoice_line_id: line.id, amount_cents: 2 }],
    });
    expect(tiny.json).toMatchObject({ amount_cents: 2, tax_cents: 0 });
    expect(lastNoteRequest().body).toMatchObject({
      lines: [{ type: "invoice_line_item", invoice_line_item: stripeLineId, amount: "2" }],
    });
    await expectAgree(tiny.json.id);
    const rest = await credit(key, row.id, {
      reason: "x",
      outcome: "refund_to_card",
      lines: [{ invoice_line_id: line.id }],
    });
    expect(rest.json).toMatchObject({ amount_cents: 401, subtotal_cents: 331, tax_cents: 70 });
    await expectAgree(rest.json.id);
  });

  it("goodwill on an exclusive-rate invoice goes under an inclusive twin of the rate (made once), so Stripe extracts the same tax", async () => {
    const key = await platformKey();
    const rate = await tallyRate(key, { country: "PT", name: "IVA", percentage: "23" });
    const { row } = await stripeInvoice(1000, [rate.stripeId]);
    expect(row).toMatchObject({ taxCents: 230, totalCents: 1230 });
    // 123 with 23 % inside: exactly 23.
    const first = await credit(key, row.id, { reason: "Sorry", outcome: "refund_to_card", amount_cents: 123 });
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ amount_cents: 123, subtotal_cents: 100, tax_cents: 23 });
    const twin = (lastNoteRequest().body.lines as { tax_rates: string[] }[])[0]!.tax_rates[0]!;
    expect(twin).not.toBe(rate.stripeId);
    expect(stripe.objects.get(twin)).toMatchObject({
      inclusive: true,
      percentage: 23,
      metadata: { tally_tax_rate_id: rate.id },
    });
    const s1 = await atStripe(first.json.id);
    await expectAgree(first.json.id);
    expect(s1).toMatchObject({ total: 123, refund_amount: 123 });
    expect(stripeTax(s1)).toBe(23);

    // 115 with 23 % inside: 21.50 → 22 half up, at Stripe too; the twin is reused.
    const second = await credit(key, row.id, { reason: "Again", outcome: "refund_to_card", amount_cents: 115 });
    expect(second.json).toMatchObject({ amount_cents: 115, tax_cents: 22 });
    expect((lastNoteRequest().body.lines as { tax_rates: string[] }[])[0]!.tax_rates).toEqual([twin]);
    expect(stripeTax(await atStripe(second.json.id))).toBe(22);
    await expectAgree(second.json.id);
    expect(
      stripe.list("tax_rate", (t) => (t.metadata as Record<string, string>).tally_tax_rate_id === rate.id),
    ).toHaveLength(2);
  });

  it("a taxed invoice mirrored before Stripe's line ids were kept is mirrored again first, its line keeping its id", async () => {
    const key = await platformKey();
    const rate = await tallyRate(key, { country: "LU", name: "TVA", percentage: "17" });
    const { row, line, stripeInvoiceId } = await stripeInvoice(1000, [rate.stripeId]);
    await db.update(invoiceLines).set({ details: null }).where(eq(invoiceLines.id, line.id));
    const r = await credit(key, row.id, {
      reason: "x",
      outcome: "refund_to_card",
      lines: [{ invoice_line_id: line.id, amount_cents: 100 }],
    });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ amount_cents: 117, tax_cents: 17 });
    const stripeLineId = (stripe.objects.get(stripeInvoiceId)!.lines as { data: { id: string }[] }).data[0]!.id;
    expect(lastNoteRequest().body).toMatchObject({
      lines: [{ type: "invoice_line_item", invoice_line_item: stripeLineId, amount: "100" }],
    });
    const [after] = await db.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, row.id));
    expect(after).toMatchObject({ id: line.id, details: { stripe_line_id: stripeLineId } });
  });

  it("refuses, before making anything at Stripe, a note whose tax Stripe would put otherwise than the mirror says", async () => {
    const key = await platformKey();
    const rate = await tallyRate(key, { country: "FI", name: "ALV", percentage: "25.5" });
    const { row, line } = await stripeInvoice(1000, [rate.stripeId]);
    expect(line).toMatchObject({ taxCents: 255, taxPercentage: "25.5" });
    // A mirror out of step with Stripe (say a rate edited by hand): Tally would credit 30 % of 100.
    await db.update(invoiceLines).set({ taxPercentage: "30" }).where(eq(invoiceLines.id, line.id));
    const notes = stripe.list("credit_note").length;
    const r = await credit(key, row.id, {
      reason: "x",
      outcome: "refund_to_card",
      lines: [{ invoice_line_id: line.id, amount_cents: 100 }],
    });
    expect(r.status).toBe(409);
    expect(r.json.error.message).toContain("Stripe would credit");
    expect(stripe.list("credit_note")).toHaveLength(notes);
    expect(await db.select().from(creditNotes).where(eq(creditNotes.invoiceId, row.id))).toEqual([]);
  });

  it("refuses to credit tax under a rate that is not Tally's (Stripe Tax): named field, nothing made at Stripe", async () => {
    const key = await platformKey();
    // Stripe Tax's own rate: the invoice carries only its id, no percentage Tally knows.
    const automatic = stripe.put({
      id: `txr_${uid()}`,
      object: "tax_rate",
      percentage: 19,
      inclusive: false,
      metadata: {},
    });
    const { row, line } = await stripeInvoice(1000, [automatic.id]);
    expect(row).toMatchObject({ taxCents: 190, tax: null });
    expect(line).toMatchObject({ taxCents: 190, taxPercentage: null });
    const notes = stripe.list("credit_note").length;
    const byLine = await credit(key, row.id, {
      reason: "x",
      outcome: "refund_to_card",
      lines: [{ invoice_line_id: line.id, amount_cents: 100 }],
    });
    expect(byLine.status).toBe(400);
    expect(byLine.json.error.details?.[0]?.field).toBe("lines.0.invoice_line_id");
    expect(byLine.json.error.message).toContain("Stripe Tax");
    const goodwill = await credit(key, row.id, { reason: "x", outcome: "refund_to_card", amount_cents: 100 });
    expect(goodwill.status).toBe(400);
    expect(goodwill.json.error.details?.[0]?.field).toBe("amount_cents");
    expect(stripe.list("credit_note")).toHaveLength(notes);
  });

  it("an untaxed (or reverse-charged: no TaxRate at Stripe) Stripe invoice's note is custom lines of what it gives back, with no tax, as before", async () => {
    const key = await platformKey();
    const { row, line } = await stripeInvoice(2000, []);
    const previews = () => stripe.requests.filter((q) => q.path === "/v1/credit_notes/preview").length;
    const previewsBefore = previews();
    expect(line).toMatchObject({ taxCents: 0, taxPercentage: null, taxRateId: null });
    const r = await credit(key, row.id, {
      reason: "x",
      outcome: "refund_to_card",
      lines: [{ invoice_line_id: line.id, amount_cents: 700 }],
    });
    expect(r.json).toMatchObject({ amount_cents: 700, tax_cents: 0 });
    expect(lastNoteRequest().body).toEqual(
      expect.objectContaining({
        lines: [{ type: "custom_line_item", description: "Subscription", quantity: "1", unit_amount: "700" }],
        refund_amount: "700",
      }),
    );
    expect(previews()).toBe(previewsBefore);
    const s = await atStripe(r.json.id);
    await expectAgree(r.json.id);
    expect(s).toMatchObject({ total: 700, total_taxes: [] });
  });
});
