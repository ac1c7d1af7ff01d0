// Tax where a customer or the books read totals (issue 22): the upcoming invoice, invoices mirrored
// from Stripe (their tax amounts kept, in the tax report when the rates are Tally's), and the
// invoices CSV export's net, tax and gross columns.
import type Stripe from "stripe";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import * as upcomingRoute from "@/app/api/v1/billing/upcoming-invoice/route";
import * as invoicesCsvRoute from "@/app/api/v1/admin/export/invoices.csv/route";
import * as taxRatesRoute from "@/app/api/v1/tax-rates/route";
import * as taxReportRoute from "@/app/api/v1/reports/tax/route";
import { db } from "@/lib/db/client";
import { invoiceLines, taxRates } from "@/lib/db/schema";
import { updateBillingDetails } from "@/lib/invoices/billing-details";
import { issueInvoice } from "@/lib/invoices/issue-invoice";
import { upsertStripeInvoice } from "@/lib/invoices/mirror";
import { updateSellerSettings } from "@/lib/invoices/seller-settings";
import { addSandboxCard } from "@/lib/payments/payment-methods";
import type { UpcomingInvoiceJson } from "@/lib/payments/schemas";
import { toInvoiceState } from "@/lib/stripe/billing";
import { subscribe } from "@/lib/subscriptions/subscribe";
import { REVERSE_CHARGE_NOTE } from "@/lib/tax/select";
import { call, customerKey, makeOrg, makePlan, platformKey, uid } from "./support/fixtures";

const rate = async (key: string, body: Record<string, unknown>) => {
  const r = await call<{ id: string }>(taxRatesRoute.POST, "POST", "/api/v1/tax-rates", { key, body });
  expect(r.status).toBe(201);
  return r.json.id;
};

afterEach(async () => {
  await updateSellerSettings({ tax_mode: "none" });
  await db.update(taxRates).set({ active: false });
});

describe("the upcoming invoice", () => {
  async function subscribedCustomer(country: string, taxIds: { type: "eu_vat"; value: string }[] = []) {
    const org = await makeOrg();
    await updateBillingDetails(org.id, { country, tax_ids: taxIds });
    await db.transaction((tx) => addSandboxCard(tx, org.id, { number: "4242424242424242" }));
    const plan = await makePlan({ basePriceCents: 2901 });
    await subscribe(org.id, { plan: { id: plan.id }, actor: "test", skipTrial: true, provider: "local" });
    const r = await call<UpcomingInvoiceJson>(upcomingRoute.GET, "GET", "/api/v1/billing/upcoming-invoice", {
      key: await customerKey(org.id),
    });
    expect(r.status).toBe(200);
    return r.json;
  }

  it("carries the customer's tax on its totals, worked out as the invoice will be (per line, rounded once)", async () => {
    const key = await platformKey();
    await updateSellerSettings({ tax_mode: "tally_rates", country: "DE" });
    await rate(key, { country: "AT", name: "USt", percentage: "20" });
    const u = await subscribedCustomer("AT");
    expect(u.total_so_far_cents).toBe(2901);
    // 2901 × 0.2 = 580.2 → 580.
    expect(u.tax).toEqual({
      mode: "tally_rates",
      treatment: "rate",
      label: "USt 20 %",
      inclusive: false,
      note: null,
      tax_so_far_cents: 580,
      total_so_far_with_tax_cents: 3481,
      projected_tax_cents: 580,
      projected_total_with_tax_cents: 3481,
    });
  });

  it("says reverse charge for an EU business elsewhere in the EU, and carries no tax without a tax mode", async () => {
    const key = await platformKey();
    await updateSellerSettings({ tax_mode: "tally_rates", country: "DE" });
    await rate(key, { country: "NL", name: "BTW", percentage: "21" });
    const rc = await subscribedCustomer("NL", [{ type: "eu_vat", value: "NL123456789B01" }]);
    expect(rc.tax).toMatchObject({ treatment: "reverse_charge", note: REVERSE_CHARGE_NOTE, tax_so_far_cents: 0 });
    expect(rc.tax.total_so_far_with_tax_cents).toBe(rc.total_so_far_cents);

    await updateSellerSettings({ tax_mode: "none" });
    const none = await subscribedCustomer("NL");
    expect(none.tax).toMatchObject({ mode: "none", treatment: "none", label: null, tax_so_far_cents: 0 });
    expect(none.tax.total_so_far_with_tax_cents).toBe(2901);
  });
});

/** A Stripe invoice as Stripe sends it (API 2025: total_taxes, lines' taxes). */
function stripeInvoice(
  customer: string,
  taxes: { amount: number; rate: string; inclusive: boolean }[],
  lineAmount: number,
) {
  const tax = (t: (typeof taxes)[number]) => ({
    amount: t.amount,
    tax_behavior: t.inclusive ? "inclusive" : "exclusive",
    tax_rate_details: { tax_rate: t.rate },
    taxability_reason: "standard_rated",
    taxable_amount: t.inclusive ? lineAmount - t.amount : lineAmount,
    type: "tax_rate_details",
  });
  const exclusive = taxes.filter((t) => !t.inclusive).reduce((s, t) => s + t.amount, 0);
  const now = Math.floor(Date.now() / 1000);
  return {
    id: `in_${uid()}`,
    object: "invoice",
    customer,
    number: `STR-${uid()}`,
    status: "paid",
    currency: "eur",
    subtotal: lineAmount,
    total: lineAmount + exclusive,
    amount_paid: lineAmount + exclusive,
    amount_due: 0,
    period_start: now,
    period_end: now,
    created: now,
    status_transitions: { paid_at: now },
    livemode: true,
    total_taxes: taxes.map(tax),
    lines: {
      data: [{ description: "Pro plan", quantity: 1, amount: lineAmount, taxes: taxes.map(tax) }],
    },
  } as unknown as Stripe.Invoice;
}

describe("invoices mirrored from Stripe", () => {
  it("keep Stripe's tax: net subtotal, tax per line, and Tally's rates in the tax report", async () => {
    const key = await platformKey();
    const id = await rate(key, { country: "IE", name: "VAT", percentage: "23" });
    await db.update(taxRates).set({ stripeTaxRateId: "txr_tally_ie" }).where(eq(taxRates.id, id));
    const org = await makeOrg();
    const inv = await db.transaction((tx) =>
      upsertStripeInvoice(
        tx,
        org.id,
        toInvoiceState(stripeInvoice("cus_x", [{ amount: 667, rate: "txr_tally_ie", inclusive: false }], 2900)),
        new Date(),
      ),
    );
    expect(inv).toMatchObject({ subtotalCents: 2900, taxCents: 667, totalCents: 3567 });
    expect(inv!.tax?.breakdown).toEqual([
      expect.objectContaining({ country: "IE", name: "VAT", percentage: "23", net_cents: 2900, tax_cents: 667 }),
    ]);
    const [line] = await db.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, inv!.id));
    expect(line).toMatchObject({ amountCents: 2900, netCents: 2900, taxCents: 667, taxPercentage: "23" });

    const day = new Date().toISOString().slice(0, 10);
    const r = await call<{ data: { country: string }[] }>(
      taxReportRoute.GET,
      "GET",
      `/api/v1/reports/tax?from=${day}&to=${day}`,
      { key },
    );
    expect(r.json.data.filter((row) => row.country === "IE")).toEqual([
      expect.objectContaining({ net_cents: 2900, tax_cents: 667, gross_cents: 3567, invoice_count: 1 }),
    ]);
  });

  it("keep an inclusive tax inside the line, and Stripe Tax's amount without a breakdown (not Tally's rate)", async () => {
    const org = await makeOrg();
    const inclusive = await db.transaction((tx) =>
      upsertStripeInvoice(
        tx,
        org.id,
        toInvoiceState(stripeInvoice("cus_y", [{ amount: 378, rate: "txr_stripe_tax", inclusive: true }], 2900)),
        new Date(),
      ),
    );
    // Stripe Tax's own rate: the amount is kept (net = total − tax), no jurisdiction to report under.
    expect(inclusive).toMatchObject({ subtotalCents: 2522, taxCents: 378, totalCents: 2900, tax: null });
    const [line] = await db.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, inclusive!.id));
    expect(line).toMatchObject({ amountCents: 2900, netCents: 2522, taxCents: 378, taxPercentage: null });
  });
});

describe("the invoices CSV export", () => {
  it("has net, tax and gross columns", async () => {
    const key = await platformKey();
    await updateSellerSettings({ tax_mode: "tally_rates", country: "DE" });
    await rate(key, { country: "PL", name: "VAT", percentage: "23" });
    const org = await makeOrg();
    await updateBillingDetails(org.id, { country: "PL" });
    const issuedAt = new Date("2026-03-04T10:00:00Z");
    const { invoice } = await issueInvoice(db, {
      orgId: org.id,
      currency: "eur",
      lines: [{ kind: "fixed", description: "Fee", quantity: "1", amountCents: 1001 }],
      sourceKey: `test:${uid()}`,
      issuedAt,
      paid: true,
    });
    const res = await invoicesCsvRoute.GET(
      new Request(
        "http://tally.test/api/v1/admin/export/invoices.csv?from=2026-03-04T00:00:00Z&to=2026-03-05T00:00:00Z",
        { headers: { authorization: `Bearer ${key}` } },
      ),
      { params: Promise.resolve({}) },
    );
    expect(res.status).toBe(200);
    const lines = (await res.text()).trim().split("\n");
    const header = lines[0]!.split(",");
    const row = lines.find((l) => l.startsWith(invoice.id))!.split(",");
    const col = (name: string) => row[header.indexOf(name)];
    // 1001 × 0.23 = 230.23 → 230.
    expect([col("net_cents"), col("tax_cents"), col("gross_cents")]).toEqual(["1001", "230", "1231"]);
  });
});
