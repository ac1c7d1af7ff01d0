// Tally's rated lines onto Stripe invoices: invoice items on a renewal draft, or a separate invoice
// for the usage. Every write carries an idempotency key derived from Tally's line id, so a retried
// job (or a replayed webhook) adds nothing twice; Stripe keeps keys for at least 24 hours.
import "server-only";
import { createHash } from "node:crypto";
import { stripe } from "./client";

export type StripeLineInput = {
  customerId: string;
  invoiceId: string;
  amountCents: number;
  currency: string;
  description: string;
  period: { start: Date; end: Date };
  metadata: Record<string, string>;
  idempotencyKey: string;
};

const sec = (d: Date) => Math.floor(d.getTime() / 1000);

/** Stripe caps idempotency keys at 255 characters: a longer one is hashed (stably). */
export function stripeIdempotencyKey(raw: string): string {
  return raw.length <= 200 ? raw : `tally-${createHash("sha256").update(raw).digest("hex")}`;
}

/** Why Stripe refused: an invoice that is no longer a draft takes no items (a 4xx). */
export function isRefusal(e: unknown): boolean {
  const status = (e as { statusCode?: number }).statusCode;
  return status !== undefined && status >= 400 && status < 500 && status !== 409 && status !== 429;
}

/** Adds one line to an invoice; throws the SDK's error as is (the outbox classifies it). */
export async function createInvoiceItem(input: StripeLineInput): Promise<{ id: string; invoiceId: string | null }> {
  const item = await stripe().invoiceItems.create(
    {
      customer: input.customerId,
      invoice: input.invoiceId,
      amount: input.amountCents,
      currency: input.currency,
      description: input.description,
      period: { start: sec(input.period.start), end: sec(input.period.end) },
      metadata: input.metadata,
    },
    { idempotencyKey: stripeIdempotencyKey(input.idempotencyKey) },
  );
  const invoice = item.invoice as string | { id: string } | null;
  return { id: item.id, invoiceId: invoice == null ? null : typeof invoice === "string" ? invoice : invoice.id };
}

/** An empty invoice for the customer that collects automatically once finalized, taking no pending items but the ones added to it. */
export async function createUsageInvoice(input: { customerId: string; currency: string; description: string; metadata: Record<string, string>; idempotencyKey: string }): Promise<{ id: string; status: string }> {
  const inv = await stripe().invoices.create(
    {
      customer: input.customerId,
      currency: input.currency,
      description: input.description,
      metadata: input.metadata,
      collection_method: "charge_automatically",
      auto_advance: true,
      pending_invoice_items_behavior: "exclude",
    },
    { idempotencyKey: stripeIdempotencyKey(input.idempotencyKey) },
  );
  return { id: inv.id!, status: inv.status ?? "draft" };
}

/** Finalizes a draft (Stripe then charges it, auto_advance); an invoice finalized already is left as it is. */
export async function finalizeUsageInvoice(invoiceId: string): Promise<{ id: string; status: string }> {
  const current = await stripe().invoices.retrieve(invoiceId);
  if (current.status !== "draft") return { id: current.id!, status: current.status ?? "open" };
  const inv = await stripe().invoices.finalizeInvoice(invoiceId, { auto_advance: true }, { idempotencyKey: `tally-finalize:${invoiceId}` });
  return { id: inv.id!, status: inv.status ?? "open" };
}

/** The invoice's status at Stripe, or null when Stripe has none (provider failures throw). */
export async function invoiceStatus(invoiceId: string): Promise<string | null> {
  try {
    return (await stripe().invoices.retrieve(invoiceId)).status ?? "draft";
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return null;
    throw e;
  }
}

