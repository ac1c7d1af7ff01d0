// Invoices issued by Tally itself (the local provider): numbered from one sequence, lines in minor
// units, one invoice per source key (a subscription period, a checkout), so a job that runs twice
// issues once.
import "server-only";
import { eq, inArray, sql } from "drizzle-orm";
import type { Executor } from "@/lib/db/client";
import { invoiceLines, invoices, organizations, type Invoice, type InvoiceLine } from "@/lib/db/schema";
import { newId } from "@/lib/ids";
import { emitInvoicesIssued, invoiceEvent } from "@/lib/outbound-webhooks/events";
import { emitWebhookEvent } from "@/lib/outbound-webhooks/emit";
import { invoiceTax } from "@/lib/tax/compute";
import { activeRates } from "@/lib/tax/rates";
import { selectTax } from "@/lib/tax/select";
import { ZBillingDetails, type InvoiceParties } from "./party-schemas";
import { takeCreditBalances, takesCreditBalance } from "./credit-balance";
import { claimNumbers } from "./numbers";
import { getSellerSettings } from "./seller-settings";

/** A line as priced; its tax fields are worked out at issue (lib/tax). */
export type NewLine = Omit<
  typeof invoiceLines.$inferInsert,
  "id" | "invoiceId" | "orgId" | "position" | "taxCents" | "netCents" | "taxRateId" | "taxPercentage"
>;

export type InvoiceRequest = {
  orgId: string;
  currency: string;
  lines: NewLine[];
  subscriptionId?: string | null;
  periodStart?: Date | null;
  periodEnd?: Date | null;
  description?: string;
  sourceKey: string;
  issuedAt: Date;
  /** Paid at issue (a checkout that just succeeded), or left open for a charge attempt. */
  paid: boolean;
  /** False for the invoices of test (sandbox) subscriptions and purchases. */
  livemode?: boolean;
};

export type Issued = { invoice: Invoice; lines: InvoiceLine[]; created: boolean };

export async function issueInvoice(tx: Executor, input: InvoiceRequest): Promise<Issued> {
  const [issued] = await issueInvoices(tx, [input]);
  return issued!;
}

/**
 * Many invoices at once (closing a batch of periods), in the order asked: the source keys already
 * issued are read in one statement, the new invoices' numbers drawn in one, and the invoices and
 * their lines written in one statement each. A source key given twice is issued once.
 */
export async function issueInvoices(tx: Executor, inputs: InvoiceRequest[]): Promise<Issued[]> {
  if (inputs.length === 0) return [];
  const keys = [...new Set(inputs.map((i) => i.sourceKey))];
  const existing = new Map(
    (await tx.select().from(invoices).where(inArray(invoices.sourceKey, keys))).map((inv) => [inv.sourceKey!, inv]),
  );
  const candidates = inputs.filter(
    (i, n) => !existing.has(i.sourceKey) && inputs.findIndex((j) => j.sourceKey === i.sourceKey) === n,
  );
  const [existingLines, seller, buyers, rates] = await Promise.all([
    existing.size
      ? tx
          .select()
          .from(invoiceLines)
          .where(
            inArray(
              invoiceLines.invoiceId,
              [...existing.values()].map((inv) => inv.id),
            ),
          )
          .orderBy(invoiceLines.invoiceId, invoiceLines.position)
      : Promise.resolve([]),
    getSellerSettings(tx),
    candidates.length
      ? tx
          .select({
            id: organizations.id,
            name: organizations.name,
            email: organizations.email,
            details: organizations.billingDetails,
          })
          .from(organizations)
          .where(inArray(organizations.id, [...new Set(candidates.map((i) => i.orgId))]))
      : Promise.resolve([]),
    candidates.length ? activeRates(tx) : Promise.resolve([]),
  ]);
  // Both parties as they are now: the invoice keeps them, whatever is edited later.
  const emptyDetails = ZBillingDetails.parse({});
  const partiesOf = new Map<string, InvoiceParties>(
    buyers.map((b) => [
      b.id,
      { seller, buyer: { ...emptyDetails, ...(b.details ?? {}), name: b.name, email: b.email ?? null } },
    ]),
  );
  // Tax per line under the buyer's treatment (tax mode tally_rates; lib/tax/compute.ts states the rounding).
  const taxOf = (input: InvoiceRequest) =>
    invoiceTax(
      input.lines,
      selectTax(seller.tax_mode, seller.country, partiesOf.get(input.orgId)?.buyer ?? emptyDetails, rates),
      takesCreditBalance,
    );
  // A customer's credit-note balance is taken by its next invoices, off their total with tax (credit-balance.ts).
  const fresh = await takeCreditBalances(tx, candidates, (input) => taxOf(input).totalCents);
  const taxes = fresh.map(taxOf);
  const numbers = await claimNumbers(
    tx,
    "invoice",
    seller.number_prefix,
    fresh.map((i) => i.orgId),
  );
  const values = fresh.map((input, n) => {
    const tax = taxes[n]!;
    const total = tax.totalCents;
    const settled = input.paid || total === 0;
    return {
      id: newId("inv"),
      orgId: input.orgId,
      provider: "local" as const,
      number: numbers[n]!,
      status: settled ? ("paid" as const) : ("open" as const),
      currency: input.currency,
      subtotalCents: tax.subtotalCents,
      taxCents: tax.taxCents,
      totalCents: total,
      amountPaidCents: settled ? total : 0,
      amountDueCents: settled ? 0 : total,
      subscriptionId: input.subscriptionId ?? null,
      periodStart: input.periodStart ?? null,
      periodEnd: input.periodEnd ?? null,
      issuedAt: input.issuedAt,
      dueAt: input.issuedAt,
      paidAt: settled ? input.issuedAt : null,
      description: input.description ?? null,
      sourceKey: input.sourceKey,
      livemode: input.livemode ?? true,
      parties: partiesOf.get(input.orgId) ?? null,
      tax: tax.breakdown.length ? { mode: seller.tax_mode, breakdown: tax.breakdown, note: tax.note } : null,
    };
  });
  const lineValues = fresh.flatMap((input, n) =>
    taxes[n]!.lines.map(({ netCents, taxCents, grossCents: _gross, ...l }, i) => ({
      ...l,
      netCents,
      taxCents,
      taxRateId: taxes[n]!.breakdown[0]?.rate_id ?? null,
      taxPercentage: taxes[n]!.breakdown[0]?.percentage ?? null,
      id: newId("inl"),
      invoiceId: values[n]!.id,
      orgId: input.orgId,
      position: i,
    })),
  );
  // One after the other: the lines reference the invoices (and `x` may be the pool, not one connection).
  const created = values.length ? await tx.insert(invoices).values(values).returning() : [];
  await emitInvoicesIssued(tx, created);
  const createdLines: InvoiceLine[] = [];
  // In chunks, under Postgres's 65,535 parameters per statement.
  for (let i = 0; i < lineValues.length; i += 2000)
    createdLines.push(
      ...(await tx
        .insert(invoiceLines)
        .values(lineValues.slice(i, i + 2000))
        .returning()),
    );
  const bySource = new Map<string, Issued>();
  for (const inv of existing.values())
    bySource.set(inv.sourceKey!, {
      invoice: inv,
      lines: existingLines.filter((l) => l.invoiceId === inv.id),
      created: false,
    });
  for (const inv of created)
    bySource.set(inv.sourceKey!, {
      invoice: inv,
      lines: createdLines.filter((l) => l.invoiceId === inv.id),
      created: true,
    });
  return inputs.map((i, n) => {
    const issued = bySource.get(i.sourceKey)!;
    // The same key asked twice in one batch: the second is the invoice the first created.
    return inputs.findIndex((j) => j.sourceKey === i.sourceKey) === n ? issued : { ...issued, created: false };
  });
}

export async function markInvoicePaid(tx: Executor, invoiceId: string, at: Date): Promise<Invoice> {
  const [inv] = await tx
    .update(invoices)
    .set({ status: "paid", amountPaidCents: sql`${invoices.totalCents}`, amountDueCents: 0, paidAt: at })
    .where(eq(invoices.id, invoiceId))
    .returning();
  await emitWebhookEvent(tx, invoiceEvent("invoice.paid", inv!, at));
  return inv!;
}
