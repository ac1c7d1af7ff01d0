// An invoice as a PDF (pdf-lib, standard fonts embedded in the library: nothing fetched).
import "server-only";
import { PDFDocument, StandardFonts, rgb } from "pdf-lib";
import type { Invoice, InvoiceLine, Organization } from "@/lib/db/schema";
import { formatDate, formatMoney, formatQuantity, formatUnitPrice } from "@/lib/format";

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

export async function renderInvoicePdf({
  invoice,
  customer,
  lines,
}: {
  invoice: Invoice;
  customer: Organization;
  lines: InvoiceLine[];
}): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(`Invoice ${invoice.number}`);
  pdf.setProducer("Tally");
  pdf.setCreationDate(invoice.issuedAt);
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

  text("Tally", left, y, { size: 20, f: bold, color: BRAND });
  // A sandbox invoice is test mode's: it says so on paper too.
  text(invoice.livemode ? "INVOICE" : "TEST INVOICE", right, y, { size: 20, f: bold, alignRight: true });
  y -= 28;
  text(`Number ${invoice.number}`, right, y, { alignRight: true });
  text(`Issued ${formatDate(invoice.issuedAt)}`, right, y - 14, { alignRight: true });
  if (invoice.periodStart && invoice.periodEnd)
    text(`Period ${formatDate(invoice.periodStart)} - ${formatDate(invoice.periodEnd)}`, right, y - 28, {
      alignRight: true,
    });
  text("Billed to", left, y, { color: MUTED });
  text(customer.name, left, y - 14, { f: bold });
  if (customer.email) text(customer.email, left, y - 28);
  if (customer.externalId) text(`Customer ${customer.externalId}`, left, y - 42, { color: MUTED });
  y -= 80;

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
  text("Total", cols.unit, y - 4, { f: bold, alignRight: true });
  text(formatMoney(invoice.totalCents, invoice.currency), cols.amount, y - 4, { f: bold, alignRight: true });
  text("Amount paid", cols.unit, y - 20, { alignRight: true, color: MUTED });
  text(formatMoney(invoice.amountPaidCents, invoice.currency), cols.amount, y - 20, { alignRight: true, color: MUTED });
  text("Amount due", cols.unit, y - 36, { alignRight: true, f: bold });
  text(formatMoney(invoice.amountDueCents, invoice.currency), cols.amount, y - 36, { alignRight: true, f: bold });
  text(
    invoice.status === "paid"
      ? `PAID ${invoice.paidAt ? formatDate(invoice.paidAt) : ""}`
      : invoice.status.toUpperCase(),
    left,
    y - 20,
    { size: 14, f: bold, color: invoice.status === "paid" ? rgb(0.02, 0.55, 0.35) : rgb(0.7, 0.4, 0) },
  );
  text("Amounts are exact prices rounded half-up once per line to the currency's minor unit.", left, 60, {
    size: 8,
    color: MUTED,
  });
  return pdf.save();
}
