// Tally's rated lines onto Stripe invoices: invoice items on a renewal draft, or a separate invoice
// for the usage. Every write carries an idempotency key derived from Tally's line id, so a retried
// job (or a replayed webhook) adds nothing twice; Stripe keeps keys for at least 24 hours.
import "server-only";
import { createHash } from "node:crypto";
import { stripe } from "./client";
import { automaticTaxParams, NO_STRIPE_TAX, type StripeTax } from "./tax";

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
export async function createUsageInvoice(input: {
  customerId: string;
  currency: string;
  description: string;
  metadata: Record<string, string>;
  idempotencyKey: string;
  /** Stripe Tax, or Tally's rate as the invoice's default tax rate. */
  tax?: StripeTax;
}): Promise<{ id: string; status: string }> {
  const tax = input.tax ?? NO_STRIPE_TAX;
  const inv = await stripe().invoices.create(
    {
      ...automaticTaxParams(tax),
      ...(tax.taxRateIds.length > 0 && { default_tax_rates: tax.taxRateIds }),
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
  const inv = await stripe().invoices.finalizeInvoice(
    invoiceId,
    { auto_advance: true },
    { idempotencyKey: `tally-finalize:${invoiceId}` },
  );
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

export type StripeInvoiceForReconciliation = {
  id: string;
  status: string;
  total: number;
  amountPaid: number;
  dueDate: Date | null;
  finalizedAt: Date | null;
  hostedUrl: string | null;
  /** Every line of the invoice, with the Tally line id its invoice item carries (null for the plan fee and others). */
  lines: { tallyLineId: string | null; amount: number }[];
};

/** An invoice and all its lines (paged), for comparing with Tally's; null when Stripe has none. */
export async function invoiceForReconciliation(invoiceId: string): Promise<StripeInvoiceForReconciliation | null> {
  let inv;
  try {
    inv = await stripe().invoices.retrieve(invoiceId);
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return null;
    throw e;
  }
  const lines = await stripe().invoices.listLineItems(invoiceId, { limit: 100 }).autoPagingToArray({ limit: 10_000 });
  const ts = (s: number | null | undefined) => (s ? new Date(s * 1000) : null);
  return {
    id: inv.id!,
    status: inv.status ?? "draft",
    total: inv.total,
    amountPaid: inv.amount_paid,
    dueDate: ts(inv.due_date),
    finalizedAt: ts(inv.status_transitions?.finalized_at),
    hostedUrl: inv.hosted_invoice_url ?? null,
    lines: lines.map((l) => ({ tallyLineId: (l.metadata ?? {}).tally_line_id ?? null, amount: l.amount })),
  };
}
