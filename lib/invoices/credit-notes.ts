// Credit notes against a paid invoice (docs/credit-notes.md): some of its lines, or a free amount,
// given back — refunded to the payment, or kept as the customer's balance for the next invoices.
// Never more than the invoice's amount paid minus its earlier notes, nor more of a line than is left
// of it: both are read under the invoice's row lock, so two notes issued at once are ordered and the
// second sees the first. Numbered in their own sequence under the seller's credit-note prefix.
import "server-only";
import { and, asc, desc, eq, inArray, ne, sql } from "drizzle-orm";
import { db, type Executor } from "@/lib/db/client";
import { int, selectRows, text } from "@/lib/db/rows";
import {
  creditNoteLines,
  creditNotes,
  invoiceLines,
  invoices,
  payments,
  taxRates,
  type CreditNote,
  type CreditNoteLine,
  type CreditNoteOutcome,
  type Invoice,
} from "@/lib/db/schema";
import { takeBackRefundedPurchase } from "@/lib/credits/purchase-refund";
import { conflict, invalidField, notFound } from "@/lib/http/errors";
import { newId } from "@/lib/ids";
import { emitWebhookEvent } from "@/lib/outbound-webhooks/emit";
import { creditNoteEvent } from "@/lib/outbound-webhooks/events";
import { formatMoney } from "@/lib/format";
import { createStripeCreditNote, previewStripeCreditNote, type StripeCreditNoteLine } from "@/lib/stripe/credit-notes";
import { retrieveInvoice } from "@/lib/stripe/billing";
import { inclusiveStripeTaxRate } from "@/lib/stripe/tax";
import { creditAmountTax, creditLineTax, creditNoteTaxSnapshot, invoiceRate } from "@/lib/tax/credit";
import type { CreateCreditNote } from "./credit-note-schemas";
import { upsertStripeInvoice } from "./mirror";
import { claimNumbers } from "./numbers";
import { getSellerSettings } from "./seller-settings";

export type IssuedCreditNote = { note: CreditNote; lines: CreditNoteLine[]; invoice: Invoice };

export type PlannedLine = {
  invoiceLineId: string | null;
  description: string;
  /** Taken off the invoice line's amount (a free line: its gross). */
  amountCents: number;
  netCents: number;
  taxCents: number;
  taxPercentage: string | null;
  /** Not stored: the Stripe invoice line it credits (a mirrored line's details.stripe_line_id). */
  stripeLineId?: string | null;
};

const grossOf = (l: Pick<PlannedLine, "netCents" | "taxCents">) => l.netCents + l.taxCents;

/**
 * A Stripe invoice taxed under rates that are not Tally's (Stripe Tax's automatic rates, or rates made
 * in Stripe's dashboard): the mirror keeps their amount but no rate, so Tally cannot credit their tax
 * as Stripe would — and Stripe refuses custom lines on an automatic_tax invoice. Refused, not guessed.
 */
const unreproducibleTax = (inv: Invoice, taxCents: number, percentage: string | null) =>
  inv.provider === "stripe" && taxCents > 0 && percentage === null;

const STRIPE_TAX_REFUSAL = (what: string) =>
  `${what} is taxed at Stripe under a rate that is not one of Tally's (Stripe Tax): issue this credit note in Stripe`;

/**
 * The lines a request credits with their tax (lib/tax/credit.ts), checked against what is left of the
 * invoice and of each line. Runs under the invoice's row lock (`tx` holds it).
 */
async function planLines(tx: Executor, inv: Invoice, input: CreateCreditNote): Promise<PlannedLine[]> {
  if (inv.status !== "paid" || inv.amountPaidCents <= 0)
    throw conflict(
      `Invoice ${inv.number} is ${inv.status}: only a paid invoice takes a credit note${inv.status === "open" ? " (an open one can be voided)" : ""}.`,
    );
  const [lines, credited] = await Promise.all([
    tx.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, inv.id)),
    selectRows(
      { line: text, cents: int, tax: int, gross: int },
      sql`select coalesce(l.invoice_line_id, '') as line, sum(l.amount_cents)::text as cents,
            sum(l.tax_cents)::text as tax, sum(coalesce(l.net_cents, l.amount_cents) + l.tax_cents)::text as gross
          from credit_note_lines l join credit_notes n on n.id = l.credit_note_id
          where n.invoice_id = ${inv.id} and n.status <> 'void'
          group by 1`,
      tx,
    ),
  ]);
  const creditedOf = new Map(credited.map((r) => [r.line, r]));
  const rate = invoiceRate(inv.tax);
  const inclusive = rate?.inclusive ?? false;
  const planned: PlannedLine[] = [];
  const seen = new Set<string>();
  (input.lines ?? []).forEach((asked, i) => {
    const line = lines.find((l) => l.id === asked.invoice_line_id);
    const field = `lines.${i}`;
    if (!line) throw invalidField(`${field}.invoice_line_id`, `is not a line of invoice ${inv.number}`);
    if (seen.has(line.id)) throw invalidField(`${field}.invoice_line_id`, "is credited twice in this note");
    if (unreproducibleTax(inv, line.taxCents, line.taxPercentage))
      throw invalidField(`${field}.invoice_line_id`, STRIPE_TAX_REFUSAL(`"${line.description}"`));
    seen.add(line.id);
    const before = { amountCents: creditedOf.get(line.id)?.cents ?? 0, taxCents: creditedOf.get(line.id)?.tax ?? 0 };
    const left = line.amountCents - before.amountCents;
    if (left <= 0) throw invalidField(`${field}.invoice_line_id`, `"${line.description}" has nothing left to credit`);
    const amount = asked.amount_cents ?? left;
    if (amount > left)
      throw invalidField(
        `${field}.amount_cents`,
        `at most ${formatMoney(left, inv.currency)} is left to credit on "${line.description}"`,
      );
    const taxed = creditLineTax({ line, credited: before, amountCents: amount }, inclusive);
    planned.push({
      invoiceLineId: line.id,
      description: line.description,
      amountCents: amount,
      netCents: taxed.netCents,
      taxCents: taxed.taxCents,
      taxPercentage: line.taxPercentage,
      stripeLineId: typeof line.details?.stripe_line_id === "string" ? line.details.stripe_line_id : null,
    });
  });
  if (input.amount_cents !== undefined) {
    if (unreproducibleTax(inv, inv.taxCents, invoiceRate(inv.tax)?.percentage ?? null))
      throw invalidField("amount_cents", STRIPE_TAX_REFUSAL(`invoice ${inv.number}`));
    const taxLeft =
      inv.taxCents - credited.reduce((s, r) => s + r.tax, 0) - planned.reduce((s, l) => s + l.taxCents, 0);
    const taxed = creditAmountTax(input.amount_cents, rate, taxLeft);
    planned.push({
      invoiceLineId: null,
      description: input.description ?? "Credit",
      amountCents: input.amount_cents,
      netCents: taxed.netCents,
      taxCents: taxed.taxCents,
      taxPercentage: rate && taxed.taxCents ? rate.percentage : null,
    });
  }
  // The invoice's limit is on money: what is credited with its tax against what was paid with it.
  const total = planned.reduce((s, l) => s + grossOf(l), 0);
  const already = credited.reduce((s, r) => s + r.gross, 0);
  const creditable = inv.amountPaidCents - already;
  if (total > creditable)
    throw invalidField(
      input.amount_cents !== undefined ? "amount_cents" : "lines",
      `at most ${formatMoney(Math.max(0, creditable), inv.currency)} of invoice ${inv.number} can still be credited (paid ${formatMoney(inv.amountPaidCents, inv.currency)}, credited ${formatMoney(already, inv.currency)})`,
    );
  return planned;
}

async function nextNumber(tx: Executor, orgId: string): Promise<string> {
  const seller = await getSellerSettings(tx);
  const [number] = await claimNumbers(tx, "credit_note", seller.credit_note_prefix, [orgId]);
  return number!;
}

const linesOf = (tx: Executor, note: CreditNote) =>
  tx
    .select()
    .from(creditNoteLines)
    .where(and(eq(creditNoteLines.orgId, note.orgId), eq(creditNoteLines.creditNoteId, note.id)))
    .orderBy(asc(creditNoteLines.position));

export async function lockInvoice(tx: Executor, invoiceId: string): Promise<Invoice> {
  const [inv] = await tx.select().from(invoices).where(eq(invoices.id, invoiceId)).for("update");
  if (!inv) throw notFound("Invoice");
  return inv;
}

export async function issueCreditNote(
  invoiceId: string,
  input: CreateCreditNote,
  actor: string,
  now = new Date(),
): Promise<IssuedCreditNote> {
  const [found] = await db.select().from(invoices).where(eq(invoices.id, invoiceId));
  if (!found) throw notFound("Invoice");
  if (found.provider === "stripe") return issueAtStripe(found, input, actor, now);
  return db.transaction(async (tx) => {
    const inv = await lockInvoice(tx, invoiceId);
    const planned = await planLines(tx, inv, input);
    const amount = planned.reduce((s, l) => s + grossOf(l), 0);
    const id = newId("cn");
    const refund = input.outcome === "refund_to_card" ? await refundPayment(tx, inv, id, amount, actor, now) : null;
    return record(tx, inv, planned, {
      id,
      outcome: input.outcome,
      reason: input.reason,
      actor,
      now,
      number: await nextNumber(tx, inv.orgId),
      balanceRemainingCents: input.outcome === "refund_to_card" ? 0 : amount,
      paymentId: refund?.paymentId ?? null,
      providerRefundId: refund?.refundId ?? null,
    });
  });
}

/** The money back on the invoice's payment: its amount refunded grows; a credit pack's credits follow as for any refund. */
async function refundPayment(tx: Executor, inv: Invoice, noteId: string, amount: number, actor: string, now: Date) {
  const [pay] = await tx
    .select()
    .from(payments)
    .where(and(eq(payments.invoiceId, inv.id), inArray(payments.status, ["succeeded", "partially_refunded"])))
    .orderBy(desc(payments.amountCents))
    .limit(1)
    .for("update");
  if (!pay)
    throw invalidField("outcome", `invoice ${inv.number} has no payment to refund: keep the credit as a balance`);
  const refunded = pay.amountRefundedCents + amount;
  if (refunded > pay.amountCents)
    throw invalidField(
      "outcome",
      `the payment of invoice ${inv.number} has ${formatMoney(pay.amountCents - pay.amountRefundedCents, inv.currency)} left to refund`,
    );
  await tx
    .update(payments)
    .set({
      amountRefundedCents: refunded,
      status: refunded >= pay.amountCents ? "refunded" : "partially_refunded",
      updatedAt: now,
    })
    .where(eq(payments.id, pay.id));
  if (pay.kind === "credits")
    await takeBackRefundedPurchase(tx, inv.orgId, {
      paymentId: pay.providerPaymentId,
      amountCents: pay.amountCents,
      refundedCents: refunded,
      actor,
      now,
    });
  return { paymentId: pay.id, refundId: `re_${pay.provider}_${noteId}` };
}

export type NoteValues = {
  id: string;
  number: string;
  outcome: CreditNoteOutcome;
  reason: string;
  actor: string;
  now: Date;
  balanceRemainingCents: number;
  paymentId: string | null;
  providerRefundId: string | null;
  stripeCreditNoteId?: string;
  pdfUrl?: string | null;
};

export async function record(
  tx: Executor,
  inv: Invoice,
  planned: PlannedLine[],
  v: NoteValues,
): Promise<IssuedCreditNote> {
  const [note] = await tx
    .insert(creditNotes)
    .values({
      id: v.id,
      orgId: inv.orgId,
      invoiceId: inv.id,
      provider: inv.provider,
      number: v.number,
      currency: inv.currency,
      amountCents: planned.reduce((s, l) => s + grossOf(l), 0),
      taxCents: planned.reduce((s, l) => s + l.taxCents, 0),
      tax: creditNoteTaxSnapshot(inv.tax, planned),
      outcome: v.outcome,
      reason: v.reason,
      balanceRemainingCents: v.balanceRemainingCents,
      paymentId: v.paymentId,
      providerRefundId: v.providerRefundId,
      stripeCreditNoteId: v.stripeCreditNoteId ?? null,
      pdfUrl: v.pdfUrl ?? null,
      livemode: inv.livemode,
      createdBy: v.actor,
      issuedAt: v.now,
    })
    .returning();
  const lines = await tx
    .insert(creditNoteLines)
    .values(
      planned.map(({ stripeLineId: _, ...l }, i) => ({
        ...l,
        id: newId("cnl"),
        creditNoteId: v.id,
        orgId: inv.orgId,
        position: i,
      })),
    )
    .returning();
  await emitWebhookEvent(tx, creditNoteEvent(note!, inv, v.now));
  return { note: note!, lines, invoice: inv };
}

/**
 * Stripe keeps the invoice's money: the note is created there (a refund, or the customer's Stripe
 * balance, which Stripe takes from the next invoice), then recorded here. Stripe refuses a note
 * beyond what its invoice has left; Tally checks first, so the refusal names the field.
 */
async function issueAtStripe(
  found: Invoice,
  input: CreateCreditNote,
  actor: string,
  now: Date,
): Promise<IssuedCreditNote> {
  const id = newId("cn");
  await refreshLegacyMirror(found, now);
  const planned = await db.transaction(async (tx) => planLines(tx, await lockInvoice(tx, found.id), input));
  const request = {
    invoiceId: found.stripeInvoiceId!,
    lines: await stripeLines(found, planned),
    totalCents: planned.reduce((s, l) => s + grossOf(l), 0),
    to: input.outcome === "refund_to_card" ? ("refund" as const) : ("balance" as const),
    memo: input.reason,
    metadata: { tally_credit_note_id: id, tally_invoice_id: found.id, tally_actor: actor.slice(0, 500) },
  };
  // A note with taxed lines is previewed first: Stripe works out their tax itself, and a note whose tax Stripe
  // would put otherwise than Tally is refused before anything is made (nothing to reconcile later).
  const taxCents = planned.reduce((s, l) => s + l.taxCents, 0);
  if (request.lines.some((l) => l.stripeLineId !== undefined || l.taxRateId !== undefined)) {
    const preview = await previewStripeCreditNote(request);
    if (preview.totalCents !== request.totalCents || preview.taxCents !== taxCents)
      throw conflict(
        `Stripe would credit ${formatMoney(preview.totalCents, found.currency)} with ${formatMoney(preview.taxCents, found.currency)} tax where Tally credits ${formatMoney(request.totalCents, found.currency)} with ${formatMoney(taxCents, found.currency)}: the invoice's tax at Stripe differs from its mirror; nothing was credited.`,
      );
  }
  const stripeNote = await createStripeCreditNote({ ...request, idempotencyKey: `credit-note:${id}` });
  return db.transaction(async (tx) => {
    const inv = await lockInvoice(tx, found.id);
    // Stripe's credit_note.created may have been mirrored first (lib/invoices/credit-note-mirror.ts), under this id.
    const [mirrored] = await tx.select().from(creditNotes).where(eq(creditNotes.stripeCreditNoteId, stripeNote.id));
    if (mirrored) return { note: mirrored, lines: await linesOf(tx, mirrored), invoice: inv };
    // Stripe took it: recorded whatever Tally's own count says now (Stripe's is the one that holds the money).
    const [pay] =
      input.outcome === "refund_to_card"
        ? await tx
            .select({ id: payments.id })
            .from(payments)
            .where(and(eq(payments.invoiceId, inv.id), ne(payments.status, "failed")))
            .limit(1)
        : [];
    return record(tx, inv, planned, {
      id,
      outcome: input.outcome,
      reason: input.reason,
      actor,
      now,
      number: stripeNote.number,
      // Stripe's customer balance takes the next invoice: nothing for Tally's own invoices to take.
      balanceRemainingCents: 0,
      paymentId: pay?.id ?? null,
      providerRefundId: stripeNote.refundId,
      stripeCreditNoteId: stripeNote.id,
      pdfUrl: stripeNote.pdfUrl,
    });
  });
}

/**
 * A taxed line mirrored before Stripe's line ids were kept has none to name at Stripe: the invoice is
 * mirrored again from Stripe first (its lines keep their Tally ids), as Stripe's next event would.
 */
async function refreshLegacyMirror(inv: Invoice, now: Date): Promise<void> {
  const lines = await db.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, inv.id));
  if (!lines.some((l) => l.taxCents > 0 && typeof l.details?.stripe_line_id !== "string")) return;
  const state = await retrieveInvoice(inv.stripeInvoiceId!);
  if (state) await db.transaction((tx) => upsertStripeInvoice(tx, inv.orgId, state, now));
}

/**
 * The note's lines as Stripe takes them so that its credit note carries the tax Tally worked out.
 * An untaxed line is a custom line of what it gives back (as always). A taxed invoice line is
 * Stripe's own invoice line with `amount` in the line's terms: Stripe applies the line's tax rates
 * to it. A taxed goodwill amount is a custom line of its gross under an inclusive TaxRate of the
 * invoice's rate, from which Stripe extracts the tax as Tally does.
 */
async function stripeLines(inv: Invoice, planned: PlannedLine[]): Promise<StripeCreditNoteLine[]> {
  const rate = invoiceRate(inv.tax);
  const out: StripeCreditNoteLine[] = [];
  for (const l of planned) {
    // A taxed line goes as Stripe's own line even when this part's tax rounds to nothing, so Stripe's
    // count of what is left of it stays Tally's (the part that takes the rest takes the rest of its tax).
    if (l.invoiceLineId !== null && l.stripeLineId && l.taxPercentage !== null && l.taxPercentage !== "0")
      out.push({ stripeLineId: l.stripeLineId, amountCents: l.amountCents });
    else if (l.taxCents === 0) out.push({ description: l.description, amountCents: grossOf(l) });
    else if (l.invoiceLineId === null && rate?.rate_id) {
      const [row] = await db.select().from(taxRates).where(eq(taxRates.id, rate.rate_id));
      if (!row)
        throw conflict(`The tax rate of invoice ${inv.number} is gone: its goodwill tax cannot be sent to Stripe.`);
      const taxRateId = row.inclusive && row.stripeTaxRateId ? row.stripeTaxRateId : await inclusiveStripeTaxRate(row);
      out.push({ description: l.description, amountCents: grossOf(l), taxRateId });
    } else
      throw conflict(
        `"${l.description}" on invoice ${inv.number} has tax but no Stripe line to carry it; try again once Stripe's invoice is mirrored.`,
      );
  }
  return out;
}
