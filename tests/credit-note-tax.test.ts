// Credit notes on taxed invoices (issue 22): a note credits the tax on what it credits, by the
// invoice's rule (lib/tax/credit.ts), prints it, and takes it off the period's tax report.
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import * as notesRoute from "@/app/api/v1/invoices/[id]/credit-notes/route";
import * as pdfRoute from "@/app/api/v1/credit-notes/[id]/pdf/route";
import * as markPaid from "@/app/api/v1/admin/invoices/[id]/mark-paid/route";
import * as taxRatesRoute from "@/app/api/v1/tax-rates/route";
import * as taxReportRoute from "@/app/api/v1/reports/tax/route";
import { db } from "@/lib/db/client";
import { invoiceLines, payments, taxRates } from "@/lib/db/schema";
import { updateBillingDetails } from "@/lib/invoices/billing-details";
import { updateSellerSettings } from "@/lib/invoices/seller-settings";
import { taxSummaryRows } from "@/lib/tax/describe";
import { REVERSE_CHARGE_NOTE } from "@/lib/tax/select";
import { call, issueFixedInvoice, makeOrg, platformKey, uid } from "./support/fixtures";
import { pdfText } from "./support/pdf-text";

type Err = { error: { code: string; message: string; details?: { field: string }[] } };
type NoteOut = {
  id: string;
  number: string;
  amount_cents: number;
  subtotal_cents: number;
  tax_cents: number;
  tax_note: string | null;
  balance_remaining_cents: number;
  lines: { amount_cents: number; net_cents: number; tax_cents: number; tax_percentage: string | null }[];
};
type ReportRow = Record<string, unknown> & { country: string };

const day = () => new Date().toISOString().slice(0, 10);

const issue = (orgId: string, amounts: number[], paid = false) =>
  issueFixedInvoice(orgId, amounts, { currency: "eur", paid });

/** A buyer in `country` under `rate`, an invoice of `amounts` issued and paid by transfer. */
async function paidTaxedInvoice(
  key: string,
  seller: string,
  rate: Record<string, unknown>,
  buyer: Parameters<typeof updateBillingDetails>[1],
  amounts: number[],
) {
  await updateSellerSettings({ tax_mode: "tally_rates", country: seller });
  const made = await call(taxRatesRoute.POST, "POST", "/api/v1/tax-rates", { key, body: rate });
  expect(made.status).toBe(201);
  const org = await makeOrg();
  await updateBillingDetails(org.id, buyer);
  const { invoice } = await issue(org.id, amounts);
  const paid = await call(markPaid.POST, "POST", `/api/v1/admin/invoices/${invoice.id}/mark-paid`, {
    key,
    params: { id: invoice.id },
    body: { method: "bank_transfer", reference: `ref-${uid()}` },
  });
  expect(paid.status).toBe(200);
  const lines = (await db.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, invoice.id))).sort(
    (a, b) => a.position - b.position,
  );
  return { org, invoice, lines };
}

const credit = (key: string, invoiceId: string, body: Record<string, unknown>) =>
  call<NoteOut & Err>(notesRoute.POST, "POST", `/api/v1/invoices/${invoiceId}/credit-notes`, {
    key,
    params: { id: invoiceId },
    body,
    headers: { "idempotency-key": uid() },
  });

async function notePdf(key: string, id: string): Promise<string> {
  const res = await pdfRoute.GET(
    new Request(`http://tally.test/api/v1/credit-notes/${id}/pdf`, { headers: { authorization: `Bearer ${key}` } }),
    { params: Promise.resolve({ id }) },
  );
  expect(res.status).toBe(200);
  return pdfText(new Uint8Array(await res.arrayBuffer())).join("\n");
}

async function report(key: string, country: string): Promise<ReportRow[]> {
  const r = await call<{ data: ReportRow[] }>(
    taxReportRoute.GET,
    "GET",
    `/api/v1/reports/tax?from=${day()}&to=${day()}`,
    { key },
  );
  expect(r.status).toBe(200);
  return r.json.data.filter((row) => row.country === country);
}

describe("credit notes on taxed invoices", () => {
  afterEach(async () => {
    await updateSellerSettings({ tax_mode: "none" });
    await db.update(taxRates).set({ active: false });
  });

  it("exclusive tax: each part of a line credits its tax rounded once, the last part the rest; the PDF and the tax report show it", async () => {
    const key = await platformKey();
    // 1000 → 230 tax; 333 → 76.59 → 77 tax: 1333 net, 307 tax, 1640 paid.
    const { invoice, lines } = await paidTaxedInvoice(
      key,
      "DE",
      { country: "PT", name: "IVA", percentage: "23" },
      { country: "PT" },
      [1000, 333],
    );
    expect(invoice).toMatchObject({ subtotalCents: 1333, taxCents: 307, totalCents: 1640 });

    // Line 2 in three parts of 111: 25.53 → 26, 26, and the last takes the 25 left (not 26: the line charged 77).
    const a = await credit(key, invoice.id, {
      reason: "Outage",
      outcome: "refund_to_card",
      lines: [{ invoice_line_id: lines[1]!.id, amount_cents: 111 }],
    });
    expect(a.status).toBe(201);
    expect(a.json).toMatchObject({ amount_cents: 137, subtotal_cents: 111, tax_cents: 26, tax_note: null });
    expect(a.json.lines).toEqual([
      expect.objectContaining({ amount_cents: 111, net_cents: 111, tax_cents: 26, tax_percentage: "23" }),
    ]);
    // The card gets the credited amount with its tax back.
    const [pay] = await db.select().from(payments).where(eq(payments.invoiceId, invoice.id));
    expect(pay).toMatchObject({ amountRefundedCents: 137, status: "partially_refunded" });

    const b = await credit(key, invoice.id, {
      reason: "Outage",
      outcome: "next_invoice_balance",
      lines: [{ invoice_line_id: lines[1]!.id, amount_cents: 111 }],
    });
    expect(b.json).toMatchObject({ amount_cents: 137, tax_cents: 26, balance_remaining_cents: 137 });

    // The period's tax: 307 charged − 52 credited; net 1333 − 222.
    expect(await report(key, "PT")).toEqual([
      expect.objectContaining({
        name: "IVA",
        net_cents: 1111,
        tax_cents: 255,
        gross_cents: 1366,
        invoice_count: 1,
        credit_note_count: 2,
      }),
    ]);

    const c = await credit(key, invoice.id, {
      reason: "Outage",
      outcome: "next_invoice_balance",
      lines: [{ invoice_line_id: lines[1]!.id }, { invoice_line_id: lines[0]!.id }],
    });
    expect(c.status).toBe(201);
    expect(c.json.lines.map((l) => [l.net_cents, l.tax_cents])).toEqual([
      [111, 25],
      [1000, 230],
    ]);
    expect(c.json).toMatchObject({ amount_cents: 1366, subtotal_cents: 1111, tax_cents: 255 });
    // Everything paid is credited: not a cent more, and the whole invoice's tax came back exactly.
    const more = await credit(key, invoice.id, { reason: "x", outcome: "next_invoice_balance", amount_cents: 1 });
    expect(more.status).toBe(400);
    expect(more.json.error.details?.[0]?.field).toBe("amount_cents");
    expect(await report(key, "PT")).toEqual([
      expect.objectContaining({ net_cents: 0, tax_cents: 0, gross_cents: 0, credit_note_count: 3 }),
    ]);

    const text = (await notePdf(key, c.json.id)).replace(/\s+/g, " ");
    expect(text).toContain("Subtotal");
    expect(text).toContain("IVA 23 %");
    expect(text).toContain("2.55");
    expect(text).toContain("13.66");
    expect(text).toContain("a line credited in full gives back exactly its tax");
  });

  it("inclusive tax: a part and a goodwill amount carry the tax inside them; the balance is taken off the next invoice's total, untaxed", async () => {
    const key = await platformKey();
    // 1150 → 150 tax inside; 100 → 13.04 → 13: 1087 net, 163 tax, 1250 paid.
    const { org, invoice, lines } = await paidTaxedInvoice(
      key,
      "AU",
      { country: "NZ", name: "GST", percentage: "15", inclusive: true },
      { country: "NZ" },
      [1150, 100],
    );
    expect(invoice).toMatchObject({ subtotalCents: 1087, taxCents: 163, totalCents: 1250 });

    const note = await credit(key, invoice.id, {
      reason: "Half a month down",
      outcome: "next_invoice_balance",
      lines: [{ invoice_line_id: lines[0]!.id, amount_cents: 575 }],
      amount_cents: 115,
      description: "Goodwill",
    });
    expect(note.status).toBe(201);
    // 575 × 15/115 = 75; the goodwill 115 has 15 inside.
    expect(note.json.lines.map((l) => [l.amount_cents, l.net_cents, l.tax_cents])).toEqual([
      [575, 500, 75],
      [115, 100, 15],
    ]);
    expect(note.json).toMatchObject({
      amount_cents: 690,
      subtotal_cents: 600,
      tax_cents: 90,
      balance_remaining_cents: 690,
    });
    const text = (await notePdf(key, note.json.id)).replace(/\s+/g, " ");
    expect(text).toContain("GST 15 % (included)");
    expect(text).toContain("0.90");
    expect(text).toContain("6.90");

    // The next invoice charges its own tax in full (the note credited the first's); the balance comes off its total.
    const { invoice: next, lines: nextLines } = await issue(org.id, [1150]);
    expect(nextLines.map((l) => [l.description, l.netCents, l.taxCents])).toEqual([
      ["Line 1", 1000, 150],
      [`Credit from ${note.json.number}`, -690, 0],
    ]);
    expect(next).toMatchObject({ subtotalCents: 310, taxCents: 150, totalCents: 460, amountDueCents: 460 });
    expect(next.tax?.breakdown[0]).toMatchObject({ net_cents: 1000, tax_cents: 150 });
    expect(taxSummaryRows(next)).toEqual([
      { label: "Subtotal", cents: 1000 },
      { label: "GST 15 % (included)", cents: 150 },
      { label: "Credit notes applied", cents: -690 },
    ]);

    expect(await report(key, "NZ")).toEqual([
      expect.objectContaining({
        inclusive: true,
        net_cents: 1087 + 1000 - 600,
        tax_cents: 163 + 150 - 90,
        invoice_count: 2,
        credit_note_count: 1,
      }),
    ]);
  });

  it("reverse charge: a note credits no tax, says so, and takes its net off the reverse-charged net", async () => {
    const key = await platformKey();
    const { invoice, lines } = await paidTaxedInvoice(
      key,
      "DE",
      { country: "FI", name: "ALV", percentage: "25.5" },
      { country: "FI", tax_ids: [{ type: "eu_vat", value: "FI12345678" }] },
      [1000],
    );
    expect(invoice).toMatchObject({ taxCents: 0, totalCents: 1000 });
    const note = await credit(key, invoice.id, {
      reason: "Wrong seat count",
      outcome: "customer_credit_balance",
      lines: [{ invoice_line_id: lines[0]!.id, amount_cents: 400 }],
    });
    expect(note.status).toBe(201);
    expect(note.json).toMatchObject({ amount_cents: 400, tax_cents: 0, tax_note: REVERSE_CHARGE_NOTE });
    expect(note.json.lines[0]).toMatchObject({ net_cents: 400, tax_cents: 0, tax_percentage: "0" });
    const text = (await notePdf(key, note.json.id)).replace(/\s+/g, " ");
    expect(text).toContain("Reverse charge");
    expect(text).toContain("Article 196");
    expect(await report(key, "FI")).toEqual([
      expect.objectContaining({
        name: "VAT (reverse charge)",
        net_cents: 600,
        tax_cents: 0,
        reverse_charge_net_cents: 600,
        credit_note_count: 1,
      }),
    ]);
  });

  it("an untaxed invoice's note carries no tax and prints no tax rows", async () => {
    const key = await platformKey();
    const org = await makeOrg();
    const { invoice } = await issue(org.id, [800], true);
    const note = await credit(key, invoice.id, { reason: "Sorry", outcome: "next_invoice_balance", amount_cents: 300 });
    expect(note.json).toMatchObject({ amount_cents: 300, subtotal_cents: 300, tax_cents: 0, tax_note: null });
    expect(note.json.lines[0]).toMatchObject({ net_cents: 300, tax_cents: 0, tax_percentage: null });
    const text = await notePdf(key, note.json.id);
    expect(text).not.toContain("Subtotal");
  });
});
