// An invoice as a PDF (pdf-lib, standard fonts embedded in the library: nothing fetched).
import "server-only";
import { PDFDocument, StandardFonts, rgb } from "pdf-lib";
import type { Invoice, InvoiceLine, Organization } from "@/lib/db/schema";
import { formatDate, formatMoney, formatQuantity, formatUnitPrice } from "@/lib/format";
import { addressLines } from "./party-schemas";
import { TAX_ID_LABELS } from "./tax-ids";
import { TAX_ROUNDING_NOTE, UNTAXED_ROUNDING_NOTE, taxSummaryRows, type TaxSummaryRow } from "@/lib/tax/describe";

const INK = rgb(0.1, 0.1, 0.12);
const MUTED = rgb(0.45, 0.45, 0.5);
const BRAND = rgb(0.31, 0.27, 0.9);

/** Standard PDF fonts encode WinAnsi only: replace what they cannot draw. */
const safe = (s: string) =>
  s
    .replace(/[–—]/g, "-")
    .replace(/[“”]/g, '"')
    .replace(/[‘’]/g, "'")
    .replace(/…/g, "...")
    .replace(/[^\x20-\x7e\xa0-\xff]/g, "?");

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}...` : s);

/** Words into lines of at most n characters (a longer word is cut). */
function wrap(s: string, n: number): string[] {
  const out: string[] = [];
  for (const para of s.split(/\r?\n/)) {
    let cur = "";
    for (const word of para.split(/\s+/).filter(Boolean)) {
      if (cur && cur.length + 1 + word.length > n) {
        out.push(cur);
        cur = "";
      }
      cur = cur ? `${cur} ${word}` : clip(word, n);
    }
    out.push(cur);
  }
  return out;
}

/**
 * Another document on the invoice's paper (a credit note): its title, number, date, lines under the
 * header lines of `lines`, the rows under them (label, cents, bold) and the stamp at the left.
 */
export type PdfDocumentKind = {
  title: string;
  number: string;
  issuedAt: Date;
  /** Printed under the date: what the document refers to (the invoice it credits, why). */
  references: string[];
  totals: [string, number, boolean][];
  stamp: string;
  /** Between the lines and the totals: its subtotal and tax per rate (lib/tax/describe.ts). */
  taxRows: TaxSummaryRow[];
  /** Its reverse-charge statement, if any. */
  taxNote: string | null;
  /** The rounding rule it states at the foot. */
  roundingNote: string;
};

type PdfLine = Pick<InvoiceLine, "description" | "quantity" | "unitAmount" | "amountCents">;

export async function renderInvoicePdf({
  invoice,
  customer,
  lines,
  kind,
}: {
  invoice: Invoice;
  customer: Organization;
  lines: PdfLine[];
  kind?: PdfDocumentKind;
}): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const title = kind?.title ?? "Invoice";
  const number = kind?.number ?? invoice.number;
  const issuedAt = kind?.issuedAt ?? invoice.issuedAt;
  pdf.setTitle(`${title} ${number}`);
  pdf.setProducer("Tally");
  pdf.setCreationDate(issuedAt);
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  let page = pdf.addPage([595.28, 841.89]); // A4
  const left = 50;
  const right = 545;
  let y = 790;
  const text = (
    s: string,
    x: number,
    yy: number,
    opts: { size?: number; f?: typeof font; color?: typeof INK; alignRight?: boolean } = {},
  ) => {
    const size = opts.size ?? 10;
    const f = opts.f ?? font;
    const t = safe(s);
    const w = f.widthOfTextAtSize(t, size);
    page.drawText(t, { x: opts.alignRight ? x - w : x, y: yy, size, font: f, color: opts.color ?? INK });
  };

  // Both parties as the invoice kept them at issue; invoices issued before that name the customer only.
  const parties = invoice.parties;
  const seller = parties?.seller;
  const sellerName = seller?.legal_name || "Tally";
  /** The text cut with "..." to fit `width` points, so a long name never runs into the next column. */
  const fit = (s: string, width: number, f = font, size = 10) => {
    let t = safe(s);
    if (f.widthOfTextAtSize(t, size) <= width) return t;
    while (t.length > 1 && f.widthOfTextAtSize(`${t}...`, size) > width) t = t.slice(0, -1);
    return `${t}...`;
  };
  text(fit(sellerName, 330, bold, 20), left, y, { size: 20, f: bold, color: BRAND });
  // A sandbox invoice is test mode's: it says so on paper too.
  const heading = title.toUpperCase();
  text(invoice.livemode ? heading : `TEST ${heading}`, right, y, { size: 20, f: bold, alignRight: true });
  y -= 28;
  text(`Number ${number}`, right, y, { alignRight: true });
  text(`Issued ${formatDate(issuedAt)}`, right, y - 14, { alignRight: true });
  const under = kind
    ? kind.references
    : invoice.periodStart && invoice.periodEnd
      ? [`Period ${formatDate(invoice.periodStart)} - ${formatDate(invoice.periodEnd)}`]
      : [];
  under.forEach((r, i) => text(fit(r, 300), right, y - 28 - 14 * i, { alignRight: true }));
  y -= 56 + 14 * Math.max(0, under.length - 1);
  const from: string[] = seller
    ? [
        ...addressLines(seller),
        ...(seller.tax_id ? [`Tax ID ${seller.tax_id}`] : []),
        ...(seller.support_email ? [seller.support_email] : []),
      ]
    : [];
  const buyer = parties?.buyer;
  const billTo: string[] = buyer
    ? [
        ...addressLines(buyer),
        ...buyer.tax_ids.map((t) => `${TAX_ID_LABELS[t.type]} ${t.value}`),
        ...(buyer.email ? [buyer.email] : []),
      ]
    : customer.email
      ? [customer.email]
      : [];
  if (customer.externalId) billTo.push(`Customer ${customer.externalId}`);
  const blocks: [string, string, string[], number][] = [
    ...(seller ? ([["From", sellerName, from, left]] as [string, string, string[], number][]) : []),
    ["Bill to", buyer?.billing_name || buyer?.name || customer.name, billTo, seller ? 300 : left],
  ];
  for (const [label, name, rows, x] of blocks) {
    text(label, x, y, { color: MUTED });
    text(fit(name, 240, bold), x, y - 14, { f: bold });
    rows.forEach((r, i) => text(fit(r, 240), x, y - 28 - 14 * i));
  }
  y -= 14 * (Math.max(...blocks.map((b) => b[2].length)) + 2) + 24;

  const cols = { desc: left, qty: 330, unit: 420, amount: right };
  page.drawLine({ start: { x: left, y: y + 14 }, end: { x: right, y: y + 14 }, thickness: 0.5, color: MUTED });
  text("Description", cols.desc, y, { color: MUTED, size: 9 });
  text("Quantity", cols.qty, y, { color: MUTED, size: 9, alignRight: true });
  text("Unit price", cols.unit, y, { color: MUTED, size: 9, alignRight: true });
  text("Amount", cols.amount, y, { color: MUTED, size: 9, alignRight: true });
  y -= 8;
  page.drawLine({ start: { x: left, y }, end: { x: right, y }, thickness: 0.5, color: MUTED });
  y -= 16;
  for (const line of lines) {
    if (y < 120) {
      page = pdf.addPage([595.28, 841.89]);
      y = 790;
    }
    const desc = line.description.length > 55 ? `${line.description.slice(0, 54)}...` : line.description;
    text(desc, cols.desc, y);
    text(formatQuantity(line.quantity), cols.qty, y, { alignRight: true });
    text(line.unitAmount ? formatUnitPrice(line.unitAmount, invoice.currency, "unit") : "", cols.unit, y, {
      alignRight: true,
    });
    text(formatMoney(line.amountCents, invoice.currency), cols.amount, y, { alignRight: true });
    y -= 18;
  }
  y -= 4;
  page.drawLine({ start: { x: 330, y: y + 10 }, end: { x: right, y: y + 10 }, thickness: 0.5, color: MUTED });
  // Subtotal and tax per rate above the total (lib/tax/describe.ts), on a taxed invoice or credit note.
  for (const row of kind?.taxRows ?? taxSummaryRows(invoice)) {
    text(row.label, cols.unit, y - 4, { alignRight: true });
    text(formatMoney(row.cents, invoice.currency), cols.amount, y - 4, { alignRight: true });
    y -= 16;
  }
  const totals: [string, number, boolean][] = kind?.totals ?? [
    ["Total", invoice.totalCents, true],
    ["Amount paid", invoice.amountPaidCents, false],
    ["Amount due", invoice.amountDueCents, true],
  ];
  totals.forEach(([label, cents, strong], i) => {
    const o = strong ? { alignRight: true, f: bold } : { alignRight: true, color: MUTED };
    text(label, cols.unit, y - 4 - 16 * i, o);
    text(formatMoney(cents, invoice.currency), cols.amount, y - 4 - 16 * i, o);
  });
  const settled = kind !== undefined || invoice.status === "paid";
  text(
    kind?.stamp ??
      (invoice.status === "paid"
        ? `PAID ${invoice.paidAt ? formatDate(invoice.paidAt) : ""}`
        : invoice.status.toUpperCase()),
    left,
    y - 20,
    { size: 14, f: bold, color: settled ? rgb(0.02, 0.55, 0.35) : rgb(0.7, 0.4, 0) },
  );
  const taxNote = kind ? kind.taxNote : (invoice.tax?.note ?? null);
  if (taxNote) wrap(taxNote, 100).forEach((l, i) => text(l, left, y - 60 - 11 * i, { size: 9, f: bold }));
  if (seller?.invoice_footer)
    wrap(seller.invoice_footer, 110)
      .slice(0, 4)
      .forEach((l, i, all) => text(l, left, 74 + 11 * (all.length - 1 - i), { size: 8 }));
  text(kind?.roundingNote ?? (invoice.tax ? TAX_ROUNDING_NOTE : UNTAXED_ROUNDING_NOTE), left, 60, {
    size: 8,
    color: MUTED,
  });
  return pdf.save();
}
