// Credit notes made in Stripe (its Dashboard or API) mirrored from credit_note.* events: recorded
// once with Stripe's numbers, counted against what can still be credited, voided when Stripe voids them.
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as notesRoute from "@/app/api/v1/invoices/[id]/credit-notes/route";
import * as voidNoteRoute from "@/app/api/v1/credit-notes/[id]/void/route";
import { db } from "@/lib/db/client";
import { creditNoteLines, creditNotes, invoiceLines, invoices, webhookMessages } from "@/lib/db/schema";
import { stripe as stripeClient } from "@/lib/stripe/client";
import { call, platformKey, uid } from "./support/fixtures";
import { postStripeEvent, withStripeServer } from "./support/stripe-env";
import { mirroredStripeInvoice } from "./support/stripe-invoices";

const SECRET = "whsec_note_mirror";
const stripe = withStripeServer({ STRIPE_WEBHOOK_SECRET: SECRET });

async function deliver(type: string, noteId: string) {
  const res = await postStripeEvent(stripe.event(type, stripe.objects.get(noteId)!), SECRET);
  return { status: res.status, json: (await res.json()) as { outcome?: string; reason?: string } };
}

/** A paid (or open) Stripe invoice of a customer known to Tally, mirrored. */
async function stripeInvoice(status: "paid" | "open" = "paid", amount = 6000) {
  const r = await mirroredStripeInvoice(stripe, { status, amount });
  return { ...r, orgId: r.org.id };
}

/** A note made in Stripe's Dashboard: straight through Stripe's API, without Tally's metadata. */
const dashboardNote = (params: Record<string, unknown>) =>
  stripeClient().creditNotes.create(params as never) as unknown as Promise<{ id: string; number: string }>;

const notesOf = (orgId: string) => db.select().from(creditNotes).where(eq(creditNotes.orgId, orgId));
const eventsOf = async (orgId: string) =>
  (await db.select().from(webhookMessages).where(eq(webhookMessages.orgId, orgId))).map((m) => m.type);

type Answer = { id: string; amount_cents: number; error: { message: string; details?: { field: string }[] } };
/** A note Tally issues on the invoice (POST /api/v1/invoices/{id}/credit-notes, as the operator). */
const issue = async (invoiceId: string, body: Record<string, unknown>) =>
  call<Answer>(notesRoute.POST, "POST", `/api/v1/invoices/${invoiceId}/credit-notes`, {
    key: await platformKey(),
    params: { id: invoiceId },
    body: { ...body, idempotency_key: uid() },
  });

describe("credit notes made in Stripe", () => {
  it("records a Dashboard refund note once, on the invoice line it credits, with Stripe's number and amounts", async () => {
    const { orgId, row, stripeInvoiceId, stripeLine, chargeId } = await stripeInvoice();
    const made = await dashboardNote({
      invoice: stripeInvoiceId,
      lines: [{ type: "invoice_line_item", invoice_line_item: stripeLine, amount: 2500 }],
      refund_amount: 2500,
      reason: "product_unsatisfactory",
    });
    const first = await deliver("credit_note.created", made.id);
    expect(first.json.outcome).toBe("credit_note_recorded");
    // Redelivered as another event (Stripe sends created, then updated): still one note.
    expect((await deliver("credit_note.updated", made.id)).json.outcome).toBe("credit_note_unchanged");
    const notes = await notesOf(orgId);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({
      number: made.number,
      provider: "stripe",
      stripeCreditNoteId: made.id,
      amountCents: 2500,
      outcome: "refund_to_card",
      reason: "Product unsatisfactory",
      createdBy: "stripe",
      status: "issued",
    });
    expect(notes[0]!.providerRefundId).toMatch(/^re_/);
    expect(stripe.objects.get(chargeId)!.amount_refunded).toBe(2500);
    const [tallyLine] = await db.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, row.id));
    const lines = await db.select().from(creditNoteLines).where(eq(creditNoteLines.creditNoteId, notes[0]!.id));
    expect(lines).toMatchObject([{ invoiceLineId: tallyLine!.id, amountCents: 2500, netCents: 2500, taxCents: 0 }]);
    expect(await eventsOf(orgId)).toContain("credit_note.created");

    // What Stripe gave back counts: Tally refuses more than is left, naming the field and the figures.
    const over = await issue(row.id, { reason: "More", outcome: "customer_credit_balance", amount_cents: 3501 });
    expect(over.status).toBe(400);
    expect(over.json.error.details?.[0]?.field).toBe("amount_cents");
    expect(over.json.error.message).toContain("$35.00");
  });

  it("voids the note when Stripe voids it (its amount creditable again), in whichever order the events come", async () => {
    const { orgId, row, stripeInvoiceId } = await stripeInvoice("paid", 4000);
    const made = await dashboardNote({
      invoice: stripeInvoiceId,
      lines: [{ type: "custom_line_item", description: "Goodwill", quantity: 1, unit_amount: 1000 }],
      credit_amount: 1000,
      memo: "Sorry for the outage",
    });
    expect((await deliver("credit_note.created", made.id)).json.outcome).toBe("credit_note_recorded");
    await stripeClient().creditNotes.voidCreditNote(made.id);
    expect((await deliver("credit_note.voided", made.id)).json.outcome).toBe("credit_note_voided");
    expect((await deliver("credit_note.voided", made.id)).json.outcome).toBe("credit_note_unchanged");
    const [note] = await notesOf(orgId);
    expect(note).toMatchObject({ status: "void", outcome: "customer_credit_balance", reason: "Sorry for the outage" });
    expect(await eventsOf(orgId)).toEqual(expect.arrayContaining(["credit_note.created", "credit_note.voided"]));
    // The whole invoice can be credited again.
    const again = await issue(row.id, { reason: "All of it", outcome: "customer_credit_balance", amount_cents: 4000 });
    expect(again.status).toBe(201);

    // Another note voided before its first event is handled: recorded once, as void (its number was taken).
    const { orgId: other, stripeInvoiceId: otherInvoice } = await stripeInvoice("paid", 4000);
    const late = await dashboardNote({ invoice: otherInvoice, amount: 500, out_of_band_amount: 500 });
    await stripeClient().creditNotes.voidCreditNote(late.id);
    expect((await deliver("credit_note.voided", late.id)).json.outcome).toBe("credit_note_recorded_void");
    expect((await deliver("credit_note.created", late.id)).json.outcome).toBe("credit_note_unchanged");
    expect(await notesOf(other)).toMatchObject([{ status: "void", outcome: "outside_stripe", amountCents: 500 }]);
  });

  it("keeps Tally's id and actor for a note Tally issued through Stripe, whichever write comes first", async () => {
    const { orgId, row } = await stripeInvoice("paid", 3000);
    const issued = await issue(row.id, { reason: "Outage", outcome: "refund_to_card", amount_cents: 700 });
    expect(issued.status).toBe(201);
    const [note] = await notesOf(orgId);
    // Stripe's event after Tally's write: nothing more.
    expect((await deliver("credit_note.created", note!.stripeCreditNoteId!)).json.outcome).toBe(
      "credit_note_unchanged",
    );
    expect(await notesOf(orgId)).toHaveLength(1);
    // Stripe's event before Tally's write (Tally stopped between Stripe's answer and its own write): the
    // note is recorded under the id and by the actor its metadata names.
    const { orgId: org2, stripeInvoiceId } = await stripeInvoice("paid", 3000);
    const made = await dashboardNote({
      invoice: stripeInvoiceId,
      amount: 900,
      refund_amount: 900,
      memo: "Outage",
      metadata: { tally_credit_note_id: "cn_from_tally", tally_actor: "admin:usr_1" },
    });
    expect((await deliver("credit_note.created", made.id)).json.outcome).toBe("credit_note_recorded");
    expect(await notesOf(org2)).toMatchObject([{ id: "cn_from_tally", createdBy: "admin:usr_1", amountCents: 900 }]);
  });

  it("voids a Stripe balance note from Tally at Stripe first; Stripe's own event then changes nothing", async () => {
    const { orgId, row } = await stripeInvoice("paid", 3000);
    const key = await platformKey();
    const issued = await issue(row.id, {
      reason: "Wrong invoice",
      outcome: "customer_credit_balance",
      amount_cents: 800,
    });
    expect(issued.status).toBe(201);
    const voided = await call<{ status: string; void_reason: string }>(
      voidNoteRoute.POST,
      "POST",
      `/api/v1/credit-notes/${issued.json.id}/void`,
      { key, params: { id: issued.json.id }, body: { reason: "Issued by mistake" } },
    );
    expect(voided.status).toBe(200);
    expect(voided.json).toMatchObject({ status: "void", void_reason: "Issued by mistake" });
    const [note] = await notesOf(orgId);
    expect(stripe.objects.get(note!.stripeCreditNoteId!)!.status).toBe("void");
    expect((await deliver("credit_note.voided", note!.stripeCreditNoteId!)).json.outcome).toBe("credit_note_unchanged");
    expect((await eventsOf(orgId)).filter((t) => t === "credit_note.voided")).toHaveLength(1);
  });

  it("leaves a note on an unpaid invoice to the invoice's mirror, and ignores a customer Tally does not know", async () => {
    const { orgId, stripeInvoiceId } = await stripeInvoice("open", 5000);
    const made = await dashboardNote({ invoice: stripeInvoiceId, amount: 1000 });
    const r = await deliver("credit_note.created", made.id);
    expect(r.json.outcome).toBe("refused_pre_payment");
    expect(await notesOf(orgId)).toHaveLength(0);

    const stranger = stripe.put({ id: `cus_${uid()}`, object: "customer", balance: 0, metadata: {} });
    const inv = stripe.put({
      ...stripe.createInvoice({ customer: stranger.id as string, status: "paid", amount: 1000 }),
      charge: stripe.createCharge({ amount: 1000, customer: stranger.id as string }).id,
    });
    const theirs = await dashboardNote({ invoice: inv.id, amount: 100, credit_amount: 100 });
    expect((await deliver("credit_note.created", theirs.id)).json.outcome).toBe("unknown_customer");
    expect(
      await db
        .select()
        .from(creditNotes)
        .where(and(eq(creditNotes.stripeCreditNoteId, theirs.id))),
    ).toHaveLength(0);
    expect(
      await db
        .select()
        .from(invoices)
        .where(eq(invoices.stripeInvoiceId, inv.id as string)),
    ).toHaveLength(0);
  });
});
