// Reading credit notes: a customer's (or, for operators, everyone's) newest first, one with its
// lines and customer, and the JSON they answer as.
import "server-only";
import { and, asc, desc, eq, inArray } from "drizzle-orm";
import { db } from "@/lib/db/client";
import {
  creditNoteLines,
  creditNotes,
  invoiceLines,
  invoices,
  organizations,
  type CreditNote,
  type CreditNoteLine,
} from "@/lib/db/schema";
import { notFound } from "@/lib/http/errors";
import type { CreditNoteJson } from "./credit-note-schemas";

export type CreditNoteRow = { note: CreditNote; invoiceNumber: string; lines: CreditNoteLine[] };

/** Newest first; `orgId` null: every customer's (operators). */
export async function listCreditNotes(orgId: string | null, limit = 20, invoiceId?: string): Promise<CreditNoteRow[]> {
  const notes = await db
    .select({ note: creditNotes, invoiceNumber: invoices.number })
    .from(creditNotes)
    .innerJoin(invoices, eq(invoices.id, creditNotes.invoiceId))
    .where(
      and(
        orgId ? eq(creditNotes.orgId, orgId) : undefined,
        invoiceId ? eq(creditNotes.invoiceId, invoiceId) : undefined,
      ),
    )
    .orderBy(desc(creditNotes.issuedAt), desc(creditNotes.number))
    .limit(limit);
  const lines = notes.length
    ? await db
        .select()
        .from(creditNoteLines)
        .where(
          inArray(
            creditNoteLines.creditNoteId,
            notes.map((n) => n.note.id),
          ),
        )
        .orderBy(asc(creditNoteLines.position))
    : [];
  return notes.map((n) => ({ ...n, lines: lines.filter((l) => l.creditNoteId === n.note.id) }));
}

/** One credit note with its lines, invoice and customer, scoped to the organization (null orgId: operators); another's is a 404. */
export async function getCreditNote(orgId: string | null, id: string) {
  const [row] = await db
    .select({ note: creditNotes, invoice: invoices, customer: organizations })
    .from(creditNotes)
    .innerJoin(invoices, eq(invoices.id, creditNotes.invoiceId))
    .innerJoin(organizations, eq(organizations.id, creditNotes.orgId))
    .where(and(eq(creditNotes.id, id), orgId ? eq(creditNotes.orgId, orgId) : undefined));
  if (!row) throw notFound("Credit note");
  const lines = await db
    .select()
    .from(creditNoteLines)
    .where(eq(creditNoteLines.creditNoteId, id))
    .orderBy(asc(creditNoteLines.position));
  return { ...row, lines };
}

/** A customer's paid invoices (newest 24) with their lines: what the admin's credit-note form offers. */
export async function creditableInvoices(orgId: string) {
  const paid = await db
    .select()
    .from(invoices)
    .where(and(eq(invoices.orgId, orgId), eq(invoices.status, "paid")))
    .orderBy(desc(invoices.issuedAt))
    .limit(24);
  const lines = paid.length
    ? await db
        .select()
        .from(invoiceLines)
        .where(
          inArray(
            invoiceLines.invoiceId,
            paid.map((i) => i.id),
          ),
        )
        .orderBy(asc(invoiceLines.position))
    : [];
  return paid
    .filter((i) => i.amountPaidCents > 0)
    .map((invoice) => ({ invoice, lines: lines.filter((l) => l.invoiceId === invoice.id && l.amountCents > 0) }));
}

export function creditNoteJson(r: CreditNoteRow): CreditNoteJson {
  const n = r.note;
  return {
    id: n.id,
    object: "credit_note",
    number: n.number,
    customer_id: n.orgId,
    invoice_id: n.invoiceId,
    invoice_number: r.invoiceNumber,
    status: n.status,
    currency: n.currency,
    amount_cents: n.amountCents,
    subtotal_cents: n.amountCents - n.taxCents,
    tax_cents: n.taxCents,
    tax_note: n.tax?.note ?? null,
    outcome: n.outcome,
    reason: n.reason,
    balance_remaining_cents: n.balanceRemainingCents,
    issued_at: n.issuedAt.toISOString(),
    void_reason: n.voidReason,
    voided_at: n.voidedAt?.toISOString() ?? null,
    pdf_url: n.provider === "stripe" ? n.pdfUrl : `/api/v1/credit-notes/${n.id}/pdf`,
    provider: n.provider,
    livemode: n.livemode,
    lines: r.lines.map((l) => ({
      id: l.id,
      invoice_line_id: l.invoiceLineId,
      description: l.description,
      amount_cents: l.amountCents,
      net_cents: l.netCents ?? l.amountCents,
      tax_cents: l.taxCents,
      tax_percentage: l.taxPercentage,
    })),
  };
}
