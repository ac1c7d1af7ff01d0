// Money movements: checkout sessions, invoices and their lines, payments (charges) and payment
// methods — mirrored from Stripe, or issued by the local provider. Amounts in minor units.
import type { InvoiceParties } from "@/lib/invoices/party-schemas";
import type { InvoiceTaxSnapshot } from "@/lib/tax/snapshot";
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  foreignKey,
  index,
  integer,
  jsonb,
  numeric,
  pgSequence,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { creditProducts, plans } from "./catalog";
import { organizations } from "./orgs";
import { subscriptions } from "./subscriptions";

/** local: Tally's own invoices and the sandbox card; manual: paid outside Tally and recorded by an operator (invoice billing). */
export type Provider = "local" | "stripe" | "manual";

/** How an operator recorded an invoice paid outside Tally. */
export const OFFLINE_PAYMENT_METHODS = ["bank_transfer", "check", "cash", "other"] as const;
export type OfflinePaymentMethod = (typeof OFFLINE_PAYMENT_METHODS)[number];

export const checkoutSessions = pgTable(
  "checkout_sessions",
  {
    id: text().notNull(),
    orgId: text()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    provider: text().$type<Provider>().notNull(),
    kind: text().$type<"subscription" | "credits">().notNull(),
    planId: text().references(() => plans.id),
    /** A promotion code the customer typed (lib/coupons): redeemed when the checkout completes. */
    promotionCodeId: text(),
    creditProductId: text().references(() => creditProducts.id),
    status: text().$type<"open" | "complete" | "expired" | "canceled">().notNull().default("open"),
    providerSessionId: text(),
    /** Invoice billing: the invoice that, once paid, completes this checkout. */
    invoiceId: text(),
    url: text().notNull(),
    amountCents: bigint({ mode: "number" }).notNull(),
    currency: text().notNull(),
    createdBy: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    completedAt: timestamp({ withTimezone: true }),
    /** False for the sandbox: a test checkout, whose money never counts as revenue (as Stripe's livemode). */
    livemode: boolean().notNull().default(true),
  },
  (t) => [
    primaryKey({ name: "checkout_sessions_pkey", columns: [t.id, t.orgId] }),
    index("checkout_sessions_org_idx").on(t.orgId, t.createdAt),
    uniqueIndex("checkout_sessions_provider_id_key")
      .on(t.providerSessionId, t.orgId)
      .where(sql`${t.providerSessionId} is not null`),
  ],
);

export const invoiceNumberSeq = pgSequence("invoice_number_seq", { startWith: 1001 });

/**
 * The seller's numbering series, one row per number Tally has issued (invoices and credit notes):
 * global, not per customer, because one seller numbers its invoices in one unbroken series. The
 * invoices and credit notes tables are distributed by org_id (docs/scaling.md), so their own unique
 * keys include org_id and cannot stop two customers getting one number; this table can, and is a
 * reference table under Citus. Claimed in the same transaction as the document (lib/invoices/numbers.ts).
 */
export const documentNumbers = pgTable(
  "document_numbers",
  {
    kind: text().$type<"invoice" | "credit_note">().notNull(),
    number: text().notNull(),
    orgId: text().notNull(),
    claimedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.number] })],
);

export const INVOICE_STATUSES = ["draft", "open", "paid", "void", "uncollectible"] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

export const invoices = pgTable(
  "invoices",
  {
    id: text().notNull(),
    orgId: text()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    provider: text().$type<Provider>().notNull(),
    number: text().notNull(),
    status: text().$type<InvoiceStatus>().notNull(),
    currency: text().notNull(),
    subtotalCents: bigint({ mode: "number" }).notNull(),
    totalCents: bigint({ mode: "number" }).notNull(),
    amountPaidCents: bigint({ mode: "number" }).notNull().default(0),
    amountDueCents: bigint({ mode: "number" }).notNull(),
    subscriptionId: text(),
    periodStart: timestamp({ withTimezone: true }),
    periodEnd: timestamp({ withTimezone: true }),
    issuedAt: timestamp({ withTimezone: true }).notNull(),
    dueAt: timestamp({ withTimezone: true }),
    paidAt: timestamp({ withTimezone: true }),
    description: text(),
    stripeInvoiceId: text(),
    hostedUrl: text(),
    pdfUrl: text(),
    /** Time of the newest provider state applied, so an older event never overwrites a newer one. */
    providerUpdatedAt: timestamp({ withTimezone: true }),
    /** What issued it: "subscription:<id>:<period start>" — one invoice per period, however often a job runs. */
    sourceKey: text(),
    /** False for invoices of test (sandbox) subscriptions and purchases: never revenue. */
    livemode: boolean().notNull().default(true),
    /** Seller and buyer as they were at issue (local invoices issued since issue 22); null on older ones. */
    parties: jsonb().$type<InvoiceParties>(),
    /** Tax in minor units (subtotal is net of it; total = subtotal + tax). 0 on untaxed and older invoices. */
    taxCents: bigint({ mode: "number" }).notNull().default(0),
    /** How tax was worked out at issue: per jurisdiction and rate, and the reverse-charge note (lib/tax). */
    tax: jsonb().$type<InvoiceTaxSnapshot>(),
    /** Void (lib/invoices/void-invoice.ts): why, who, when; no payment is recorded after. */
    voidReason: text(),
    voidedBy: text(),
    voidedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "invoices_pkey", columns: [t.id, t.orgId] }),
    foreignKey({
      name: "invoices_subscription_fk",
      columns: [t.orgId, t.subscriptionId],
      foreignColumns: [subscriptions.orgId, subscriptions.id],
    }),
    index("invoices_org_idx").on(t.orgId, t.issuedAt),
    uniqueIndex("invoices_number_key").on(t.number, t.orgId),
    uniqueIndex("invoices_stripe_id_key")
      .on(t.stripeInvoiceId, t.orgId)
      .where(sql`${t.stripeInvoiceId} is not null`),
    uniqueIndex("invoices_source_key")
      .on(t.sourceKey, t.orgId)
      .where(sql`${t.sourceKey} is not null`),
    // The invoices CSV export reads in (issued_at, id) keyset batches.
    index("invoices_issued_idx").on(t.issuedAt, t.id),
  ],
);

export const invoiceLines = pgTable(
  "invoice_lines",
  {
    id: text().notNull(),
    invoiceId: text().notNull(),
    orgId: text().notNull(),
    position: integer().notNull(),
    kind: text().$type<"subscription" | "usage" | "proration" | "credits" | "fixed" | "other">().notNull(),
    description: text().notNull(),
    quantity: numeric().notNull().default("1"),
    /** The exact unit price, for showing; the line's charged amount is amountCents. */
    unitAmount: numeric(),
    amountCents: bigint({ mode: "number" }).notNull(),
    meter: text(),
    periodStart: timestamp({ withTimezone: true }),
    periodEnd: timestamp({ withTimezone: true }),
    details: jsonb().$type<Record<string, unknown>>(),
    /** The line's tax (lib/tax/compute.ts, one rounding per line); 0 when untaxed. */
    taxCents: bigint({ mode: "number" }).notNull().default(0),
    /** The line net of tax: amountCents for exclusive tax, amountCents − tax for inclusive; null on older lines (= amountCents). */
    netCents: bigint({ mode: "number" }),
    taxRateId: text(),
    /** The rate applied, exact decimal percentage ("20"); "0" for a reverse charge; null when untaxed. */
    taxPercentage: numeric(),
  },
  (t) => [
    primaryKey({ name: "invoice_lines_pkey", columns: [t.id, t.orgId] }),
    foreignKey({
      name: "invoice_lines_invoice_fk",
      columns: [t.orgId, t.invoiceId],
      foreignColumns: [invoices.orgId, invoices.id],
    }).onDelete("cascade"),
    index("invoice_lines_invoice_idx").on(t.invoiceId, t.position),
  ],
);

export const creditNoteNumberSeq = pgSequence("credit_note_number_seq", { startWith: 1 });

/** Where a credit note's money goes (docs/credit-notes.md). */
/** Where a note Tally issues sends its money. */
export const CREDIT_NOTE_OUTCOMES = ["refund_to_card", "customer_credit_balance", "next_invoice_balance"] as const;
/** …and a note made in Stripe may also say the money went back outside Stripe (its out_of_band_amount). */
export const STORED_CREDIT_NOTE_OUTCOMES = [...CREDIT_NOTE_OUTCOMES, "outside_stripe"] as const;
export type CreditNoteOutcome = (typeof STORED_CREDIT_NOTE_OUTCOMES)[number];

/**
 * A credit note against a paid invoice: some of its lines or a free amount given back, numbered in
 * its own sequence. Never more than the invoice's amount paid minus earlier notes (the invoice's
 * row lock orders two at once). A balance outcome leaves `balanceRemainingCents` for the customer's
 * next local invoices to take ("Credit from CN-000001"); Stripe keeps its own customer balance.
 */
export const creditNotes = pgTable(
  "credit_notes",
  {
    id: text().notNull(),
    orgId: text()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    invoiceId: text().notNull(),
    provider: text().$type<Provider>().notNull(),
    number: text().notNull(),
    status: text().$type<"issued" | "void">().notNull().default("issued"),
    currency: text().notNull(),
    /** What the note gives back, tax included (Σ lines' net + tax). */
    amountCents: bigint({ mode: "number" }).notNull(),
    /** The tax it gives back (lib/tax/credit.ts); 0 on untaxed and older notes. */
    taxCents: bigint({ mode: "number" }).notNull().default(0),
    /** The tax credited per jurisdiction and rate (the invoice's treatment); null when untaxed. */
    tax: jsonb().$type<InvoiceTaxSnapshot>(),
    outcome: text().$type<CreditNoteOutcome>().notNull(),
    reason: text().notNull(),
    /** What the next invoices have not yet taken of a balance outcome (0 for a refund). */
    balanceRemainingCents: bigint({ mode: "number" }).notNull().default(0),
    /** The refund it made (refund_to_card): the payment refunded, and the provider's refund id. */
    paymentId: text(),
    providerRefundId: text(),
    stripeCreditNoteId: text(),
    pdfUrl: text(),
    livemode: boolean().notNull().default(true),
    createdBy: text().notNull(),
    issuedAt: timestamp({ withTimezone: true }).notNull(),
    /** Voided (in Tally, or in Stripe): why, by whom, when. */
    voidReason: text(),
    voidedBy: text(),
    voidedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "credit_notes_pkey", columns: [t.id, t.orgId] }),
    foreignKey({
      name: "credit_notes_invoice_fk",
      columns: [t.orgId, t.invoiceId],
      foreignColumns: [invoices.orgId, invoices.id],
    }),
    foreignKey({
      name: "credit_notes_payment_fk",
      columns: [t.orgId, t.paymentId],
      foreignColumns: [payments.orgId, payments.id],
    }),
    uniqueIndex("credit_notes_number_key").on(t.number, t.orgId),
    index("credit_notes_org_idx").on(t.orgId, t.issuedAt),
    index("credit_notes_invoice_idx").on(t.invoiceId),
    index("credit_notes_issued_idx").on(t.issuedAt),
    uniqueIndex("credit_notes_stripe_id_key")
      .on(t.stripeCreditNoteId, t.orgId)
      .where(sql`${t.stripeCreditNoteId} is not null`),
    // The balances the next invoice takes, oldest first.
    index("credit_notes_balance_idx")
      .on(t.orgId, t.issuedAt)
      .where(sql`${t.balanceRemainingCents} > 0`),
  ],
);

/** A credit note's lines: an invoice line credited (all or part of it), or a free amount (no invoice line). */
export const creditNoteLines = pgTable(
  "credit_note_lines",
  {
    id: text().notNull(),
    creditNoteId: text().notNull(),
    orgId: text().notNull(),
    position: integer().notNull(),
    /** No foreign key: a Stripe invoice's mirrored lines are rewritten whenever its state arrives. */
    invoiceLineId: text(),
    description: text().notNull(),
    /** What is taken off the invoice line's amount (its terms: net if exclusive, gross if inclusive); a free line: its gross. */
    amountCents: bigint({ mode: "number" }).notNull(),
    /** The tax credited with it (lib/tax/credit.ts); 0 when untaxed. */
    taxCents: bigint({ mode: "number" }).notNull().default(0),
    /** Net of tax; null on older lines (= amountCents). Gross = net + tax. */
    netCents: bigint({ mode: "number" }),
    /** The invoice line's rate ("20"; "0" reverse charge); null when untaxed. */
    taxPercentage: numeric(),
  },
  (t) => [
    primaryKey({ name: "credit_note_lines_pkey", columns: [t.id, t.orgId] }),
    foreignKey({
      name: "credit_note_lines_credit_note_fk",
      columns: [t.orgId, t.creditNoteId],
      foreignColumns: [creditNotes.orgId, creditNotes.id],
    }).onDelete("cascade"),
    index("credit_note_lines_note_idx").on(t.creditNoteId, t.position),
    index("credit_note_lines_invoice_line_idx").on(t.invoiceLineId),
  ],
);

export const PAYMENT_STATUSES = ["succeeded", "failed", "refunded", "partially_refunded", "pending"] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const payments = pgTable(
  "payments",
  {
    id: text().notNull(),
    orgId: text()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    provider: text().$type<Provider>().notNull(),
    /** The provider's payment id (pi_… or ch_…, or the sandbox's). */
    providerPaymentId: text().notNull(),
    kind: text().$type<"subscription" | "credits" | "other">().notNull(),
    status: text().$type<PaymentStatus>().notNull(),
    amountCents: bigint({ mode: "number" }).notNull(),
    amountRefundedCents: bigint({ mode: "number" }).notNull().default(0),
    currency: text().notNull(),
    description: text().notNull(),
    invoiceId: text(),
    creditProductId: text().references(() => creditProducts.id),
    paymentMethodLabel: text(),
    failureMessage: text(),
    receiptUrl: text(),
    /** False for sandbox (test) payments: never revenue. */
    livemode: boolean().notNull().default(true),
    /** A payment recorded by an operator (invoice billing): how it was paid, its reference, who recorded it. */
    offlineMethod: text().$type<OfflinePaymentMethod>(),
    offlineReference: text(),
    recordedBy: text(),
    /** The tax within amountCents (the invoice's tax when it paid one): revenue is amount net of it. */
    taxCents: bigint({ mode: "number" }).notNull().default(0),
    createdAt: timestamp({ withTimezone: true }).notNull(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "payments_pkey", columns: [t.id, t.orgId] }),
    foreignKey({
      name: "payments_invoice_fk",
      columns: [t.orgId, t.invoiceId],
      foreignColumns: [invoices.orgId, invoices.id],
    }),
    uniqueIndex("payments_provider_id_key").on(t.provider, t.providerPaymentId, t.orgId),
    index("payments_org_idx").on(t.orgId, t.createdAt),
    index("payments_created_idx").on(t.createdAt),
  ],
);

export const paymentMethods = pgTable(
  "payment_methods",
  {
    id: text().notNull(),
    orgId: text()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    provider: text().$type<Provider>().notNull(),
    providerMethodId: text().notNull(),
    brand: text().notNull(),
    last4: text().notNull(),
    expMonth: integer(),
    expYear: integer(),
    isDefault: boolean().notNull().default(false),
    /** Sandbox only: renewals charged to this card are declined (to try past-due). */
    declines: boolean().notNull().default(false),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    detachedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    primaryKey({ name: "payment_methods_pkey", columns: [t.id, t.orgId] }),
    uniqueIndex("payment_methods_provider_id_key").on(t.provider, t.providerMethodId, t.orgId),
    index("payment_methods_org_idx").on(t.orgId),
  ],
);

/**
 * The usage of one ended period of a Stripe subscription on its way to Stripe: the lines as Tally
 * rated them (frozen when first computed, so every retry adds the same amounts), which of them
 * Stripe has (line id → invoice and invoice item), and the invoice they went on — the renewal
 * draft, or a separate invoice when the draft was gone. One row per subscription period.
 */
export const periodBillings = pgTable(
  "period_billings",
  {
    id: text().notNull(),
    orgId: text()
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    subscriptionId: text().notNull(),
    periodStart: timestamp({ withTimezone: true }).notNull(),
    periodEnd: timestamp({ withTimezone: true }).notNull(),
    currency: text().notNull(),
    /** pending: lines computed, not all at Stripe; billed: every line is on a Stripe invoice; empty: nothing to bill. */
    status: text().$type<"pending" | "billed" | "empty">().notNull().default("pending"),
    lines: jsonb().$type<Record<string, unknown>[]>().notNull(),
    totalCents: bigint({ mode: "number" }).notNull(),
    added: jsonb().$type<Record<string, { invoice: string; item: string }>>().notNull().default({}),
    /** draft: the renewal invoice; separate: an invoice Tally created for the usage. */
    target: text().$type<"draft" | "separate">(),
    stripeInvoiceId: text(),
    /** Held by the job adding the lines, so two jobs never add to two invoices at once. */
    lockedUntil: timestamp({ withTimezone: true }),
    /** Reconciliation: when Stripe was last compared, what it invoiced and collected for these lines, its invoice status, and every difference found. */
    reconciledAt: timestamp({ withTimezone: true }),
    stripeInvoicedCents: bigint({ mode: "number" }),
    stripeCollectedCents: bigint({ mode: "number" }),
    stripeStatus: text(),
    differences: jsonb()
      .$type<{ kind: string; line_id?: string; expected_cents?: number; stripe_cents?: number; message: string }[]>()
      .notNull()
      .default([]),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "period_billings_pkey", columns: [t.id, t.orgId] }),
    foreignKey({
      name: "period_billings_subscription_fk",
      columns: [t.orgId, t.subscriptionId],
      foreignColumns: [subscriptions.orgId, subscriptions.id],
    }).onDelete("cascade"),
    uniqueIndex("period_billings_period_key").on(t.subscriptionId, t.periodStart, t.orgId),
    index("period_billings_org_idx").on(t.orgId, t.periodStart),
    index("period_billings_differences_idx")
      .on(t.periodStart)
      .where(sql`jsonb_array_length(${t.differences}) > 0`),
  ],
);

export type PeriodBilling = typeof periodBillings.$inferSelect;
export type CheckoutSession = typeof checkoutSessions.$inferSelect;
export type Invoice = typeof invoices.$inferSelect;
export type CreditNote = typeof creditNotes.$inferSelect;
export type CreditNoteLine = typeof creditNoteLines.$inferSelect;
export type InvoiceLine = typeof invoiceLines.$inferSelect;
export type Payment = typeof payments.$inferSelect;
export type PaymentMethod = typeof paymentMethods.$inferSelect;
