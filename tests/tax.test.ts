import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import * as taxRatesRoute from "@/app/api/v1/tax-rates/route";
import * as taxRateRoute from "@/app/api/v1/tax-rates/[id]/route";
import * as taxReportRoute from "@/app/api/v1/reports/tax/route";
import * as checkout from "@/app/api/v1/billing/checkout/route";
import * as pdf from "@/app/api/v1/billing/invoices/[id]/pdf/route";
import { db } from "@/lib/db/client";
import { invoiceLines, invoices, payments, taxRates } from "@/lib/db/schema";
import { updateBillingDetails } from "@/lib/invoices/billing-details";
import { issueInvoice, type NewLine } from "@/lib/invoices/issue-invoice";
import { updateSellerSettings } from "@/lib/invoices/seller-settings";
import { payLocalCheckout } from "@/lib/payments/local-checkout";
import { creditPackRevenueByMonth } from "@/lib/revenue/non-recurring";
import { invoiceTax, lineTax, taxShareCents, type TaxTreatment } from "@/lib/tax/compute";
import { REVERSE_CHARGE_NOTE, selectTax, type RateRow } from "@/lib/tax/select";
import { call, customerKey, makeOrg, makeUser, platformKey, sessionCookie, uid } from "./support/fixtures";
import { pdfText } from "./support/pdf-text";

type RateOut = { id: string; country: string; region: string | null; percentage: string; active: boolean };
type Err = { error: { code: string; message: string; details?: unknown } };

describe("tax computation (lib/tax/compute.ts): one half-up rounding per line", () => {
  it.each([
    // amount, percentage, inclusive → net, tax, gross
    [1000, "20", false, 1000, 200, 1200],
    [1200, "20", true, 1000, 200, 1200],
    [25, "10", false, 25, 3, 28], // 2.5 → 3 (half up)
    [24, "10", false, 24, 2, 26], // 2.4 → 2
    [-25, "10", false, -25, -3, -28], // a discount line: exactly the negative of its twin
    [3, "20", true, 2, 1, 3], // 3 × 0.2 / 1.2 = 0.5 → 1
    [-3, "20", true, -2, -1, -3],
    [0, "20", false, 0, 0, 0],
    [999, "0", false, 999, 0, 999],
    [1000, "8.875", false, 1000, 89, 1089], // 88.75 → 89
    [1089, "8.875", true, 1000, 89, 1089], // backs out the same tax
    [1999, "19", true, 1680, 319, 1999], // 319.17 → 319
  ] as const)("%i at %s %% (inclusive %s) → net %i, tax %i, gross %i", (amount, pct, inclusive, net, tax, gross) => {
    const r = lineTax(amount, pct, inclusive);
    expect(r).toEqual({ netCents: net, taxCents: tax, grossCents: gross });
    expect(Object.is(r.taxCents, -0)).toBe(false);
  });

  it("rounds each line, not the total: three 5-cent lines at 10 % carry 3 cents of tax, not 2", () => {
    const t: TaxTreatment = {
      kind: "rate",
      rateId: "txr_x",
      name: "VAT",
      country: "XX",
      region: null,
      percentage: "10",
      inclusive: false,
    };
    const r = invoiceTax([{ amountCents: 5 }, { amountCents: 5 }, { amountCents: 5 }], t);
    expect(r).toMatchObject({ subtotalCents: 15, taxCents: 3, totalCents: 18 });
    expect(r.breakdown).toEqual([expect.objectContaining({ net_cents: 15, tax_cents: 3, percentage: "10" })]);
  });

  it("applies tax after discounts: a plan fee and its discount line net out before the total", () => {
    const t: TaxTreatment = {
      kind: "rate",
      rateId: "txr_x",
      name: "VAT",
      country: "XX",
      region: null,
      percentage: "20",
      inclusive: false,
    };
    const r = invoiceTax([{ amountCents: 2900 }, { amountCents: -580 }], t);
    expect(r).toMatchObject({ subtotalCents: 2320, taxCents: 464, totalCents: 2784 });
  });

  it("reverse charge and no tax leave amounts alone; the reverse charge carries its note", () => {
    const rc = invoiceTax([{ amountCents: 1000 }], {
      kind: "reverse_charge",
      country: "FR",
      note: REVERSE_CHARGE_NOTE,
    });
    expect(rc).toMatchObject({ subtotalCents: 1000, taxCents: 0, totalCents: 1000, note: REVERSE_CHARGE_NOTE });
    expect(rc.breakdown[0]).toMatchObject({ kind: "reverse_charge", country: "FR", net_cents: 1000, tax_cents: 0 });
    const none = invoiceTax([{ amountCents: 1000 }], { kind: "none" });
    expect(none).toMatchObject({ subtotalCents: 1000, taxCents: 0, totalCents: 1000, breakdown: [], note: null });
  });

  it("refuses a negative rate and a fractional amount rather than guessing", () => {
    expect(() => lineTax(100, "-5", false)).toThrow(/negative/);
    expect(() => lineTax(10.5, "5", false)).toThrow(/integer/);
  });

  it("splits an invoice's tax over a partial payment pro rata, once rounded", () => {
    expect(taxShareCents(1200, 1200, 200)).toBe(200);
    expect(taxShareCents(600, 1200, 200)).toBe(100);
    expect(taxShareCents(1, 3, 1)).toBe(0); // 0.33 → 0
    expect(taxShareCents(500, 1000, 0)).toBe(0);
  });
});

describe("rate selection (lib/tax/select.ts)", () => {
  const rate = (over: Partial<RateRow>): RateRow => ({
    id: `txr_${over.country}${over.region ?? ""}`,
    country: "FR",
    region: null,
    name: "VAT",
    percentage: "20",
    inclusive: false,
    active: true,
    ...over,
  });
  const rates = [
    rate({ country: "FR" }),
    rate({ country: "DE", percentage: "19" }),
    rate({ country: "US", region: "CA", name: "Sales tax", percentage: "7.25" }),
    rate({ country: "US", name: "Sales tax", percentage: "5" }),
    rate({ country: "GB", active: false }),
  ];
  const buyer = (country: string, tax_ids: { type: string; value: string }[] = [], region = "") => ({
    country,
    region,
    tax_ids,
  });

  it.each([
    ["tax mode none charges nothing", "none", "DE", buyer("FR"), "none", undefined],
    ["a buyer without a country is not taxed", "tally_rates", "DE", buyer(""), "none", undefined],
    ["an EU consumer abroad pays its country's rate", "tally_rates", "DE", buyer("FR"), "rate", "20"],
    [
      "an EU business abroad with a VAT id is reverse charged",
      "tally_rates",
      "DE",
      buyer("FR", [{ type: "eu_vat", value: "FRXX123456789" }]),
      "reverse_charge",
      undefined,
    ],
    [
      "a Greek VAT id is prefixed EL",
      "tally_rates",
      "DE",
      buyer("GR", [{ type: "eu_vat", value: "EL123456789" }]),
      "reverse_charge",
      undefined,
    ],
    [
      "a business in the seller's own country pays VAT",
      "tally_rates",
      "DE",
      buyer("DE", [{ type: "eu_vat", value: "DE123456789" }]),
      "rate",
      "19",
    ],
    [
      "a seller outside the EU never reverse charges",
      "tally_rates",
      "US",
      buyer("FR", [{ type: "eu_vat", value: "FRXX123456789" }]),
      "rate",
      "20",
    ],
    [
      "a VAT id of another country than the buyer's is no reverse charge",
      "tally_rates",
      "DE",
      buyer("FR", [{ type: "eu_vat", value: "NL123456789B01" }]),
      "rate",
      "20",
    ],
    ["a region's rate wins over the country's", "tally_rates", "DE", buyer("US", [], "ca"), "rate", "7.25"],
    ["a region without a rate falls back to the country's", "tally_rates", "DE", buyer("US", [], "NY"), "rate", "5"],
    ["an archived rate is not charged", "tally_rates", "DE", buyer("GB"), "none", undefined],
    ["stripe_tax leaves tax to Stripe", "stripe_tax", "DE", buyer("FR"), "none", undefined],
  ] as const)("%s", (_name, mode, seller, b, kind, pct) => {
    const t = selectTax(mode, seller, { ...b, tax_ids: [...b.tax_ids] }, rates);
    expect(t.kind).toBe(kind);
    if (t.kind === "rate") expect(t.percentage).toBe(pct);
    if (t.kind === "reverse_charge") expect(t.note).toBe(REVERSE_CHARGE_NOTE);
  });
});

async function owner() {
  const org = await makeOrg();
  const user = await makeUser("owner", org.id);
  return { org, cookie: await sessionCookie(user.id) };
}

async function createRate(key: string, body: Record<string, unknown>) {
  return call<RateOut & Err>(taxRatesRoute.POST, "POST", "/api/v1/tax-rates", { key, body });
}

const planLines = (): NewLine[] => [
  { kind: "subscription", description: "Pro plan", quantity: "1", unitAmount: "29", amountCents: 2900 },
  { kind: "other", description: "Discount LAUNCH20", quantity: "1", amountCents: -580 },
  { kind: "usage", description: "API calls", quantity: "333", unitAmount: "0.01", amountCents: 333 },
];

async function issueFor(orgId: string, lines = planLines(), livemode = true) {
  return issueInvoice(db, {
    orgId,
    currency: "eur",
    lines,
    sourceKey: `test:${uid()}`,
    issuedAt: new Date(),
    paid: false,
    livemode,
  });
}

async function pdfOf(id: string, cookie: string): Promise<string> {
  const res = await pdf.GET(
    new Request(`http://tally.test/api/v1/billing/invoices/${id}/pdf`, { headers: { cookie } }),
    {
      params: Promise.resolve({ id }),
    },
  );
  expect(res.status).toBe(200);
  return pdfText(new Uint8Array(await res.arrayBuffer())).join("\n");
}

describe("local invoices under tax mode tally_rates", () => {
  afterEach(async () => {
    await updateSellerSettings({ tax_mode: "none" });
    await db.update(taxRates).set({ active: false });
  });

  it("store tax per line and subtotal / tax / total, after the discount; the PDF shows the rate and the tax", async () => {
    const key = await platformKey();
    await updateSellerSettings({ tax_mode: "tally_rates", country: "DE" });
    expect((await createRate(key, { country: "AT", name: "USt", percentage: "20" })).status).toBe(201);
    const { org, cookie } = await owner();
    await updateBillingDetails(org.id, { country: "AT" });

    const { invoice, lines } = await issueFor(org.id);
    // 2900 − 580 + 333 = 2653 net; per line 580 − 116 + 66.6→67 = 531 tax.
    expect(lines.map((l) => l.taxCents)).toEqual([580, -116, 67]);
    expect(lines.map((l) => l.netCents)).toEqual([2900, -580, 333]);
    expect(lines.every((l) => l.taxPercentage === "20")).toBe(true);
    expect(invoice).toMatchObject({ subtotalCents: 2653, taxCents: 531, totalCents: 3184, amountDueCents: 3184 });
    expect(invoice.tax).toMatchObject({ mode: "tally_rates", note: null });

    const text = await pdfOf(invoice.id, cookie);
    expect(text).toMatch(/Subtotal/);
    expect(text).toMatch(/USt 20 %/);
    expect(text).toMatch(/5\.31/);
    expect(text).toMatch(/31\.84/);
  });

  it("backs an inclusive rate out of the prices: the total is what the prices say", async () => {
    const key = await platformKey();
    await updateSellerSettings({ tax_mode: "tally_rates", country: "GB" });
    await createRate(key, { country: "AU", name: "GST", percentage: "10", inclusive: true });
    const { org } = await owner();
    await updateBillingDetails(org.id, { country: "AU" });
    const { invoice, lines } = await issueFor(org.id, [
      { kind: "subscription", description: "Plan", quantity: "1", amountCents: 1100 },
      { kind: "usage", description: "Usage", quantity: "1", amountCents: 5 },
    ]);
    expect(lines.map((l) => [l.netCents, l.taxCents])).toEqual([
      [1000, 100],
      [5, 0], // 5 × 0.1 / 1.1 = 0.45 → 0
    ]);
    expect(invoice).toMatchObject({ subtotalCents: 1005, taxCents: 100, totalCents: 1105 });
  });

  it("reverse charges an EU business with a VAT id in another member state, and the invoice says so", async () => {
    const key = await platformKey();
    await updateSellerSettings({ tax_mode: "tally_rates", country: "DE" });
    await createRate(key, { country: "NL", name: "BTW", percentage: "21" });
    const { org, cookie } = await owner();
    await updateBillingDetails(org.id, { country: "NL", tax_ids: [{ type: "eu_vat", value: "NL123456789B01" }] });
    const { invoice, lines } = await issueFor(org.id);
    expect(invoice).toMatchObject({ subtotalCents: 2653, taxCents: 0, totalCents: 2653 });
    expect(lines.every((l) => l.taxCents === 0 && l.taxPercentage === "0")).toBe(true);
    expect(invoice.tax?.note).toBe(REVERSE_CHARGE_NOTE);
    const text = (await pdfOf(invoice.id, cookie)).replace(/\s+/g, " ");
    expect(text).toContain("Reverse charge");
    expect(text).toContain("Article 196");

    // The same buyer without its VAT id pays Dutch VAT.
    await updateBillingDetails(org.id, { tax_ids: [] });
    const again = await issueFor(org.id);
    expect(again.invoice.taxCents).toBe(557); // 609 − 121.8→122 + 69.93→70
  });

  it("charges nothing when the mode is none, whatever the rates", async () => {
    const key = await platformKey();
    await createRate(key, { country: "BE", name: "BTW", percentage: "21" });
    const { org } = await owner();
    await updateBillingDetails(org.id, { country: "BE" });
    const { invoice } = await issueFor(org.id);
    expect(invoice).toMatchObject({ subtotalCents: 2653, taxCents: 0, totalCents: 2653, tax: null });
  });

  it("charges the card the total with tax, and revenue counts the purchase net of tax", async () => {
    const key = await platformKey();
    await updateSellerSettings({ tax_mode: "tally_rates", country: "DE" });
    await createRate(key, { country: "PL", name: "VAT", percentage: "23" });
    const { org, cookie } = await owner();
    await updateBillingDetails(org.id, { country: "PL" });
    const { insertCreditProduct } = await import("@/lib/catalog/seed-catalog");
    const pack = await insertCreditProduct({
      code: `pack-${uid()}`,
      name: "1,000 credits",
      credits: 1000,
      priceCents: 1000,
      currency: "chf",
    });
    const co = await call<{ id: string; amount_cents: number }>(checkout.POST, "POST", "/api/v1/billing/checkout", {
      cookie,
      body: { credit_product_id: pack.id },
    });
    expect(co.status).toBe(201);
    // The sandbox's checkout shows what the card will be charged: the price with 23 % on top.
    expect(co.json.amount_cents).toBe(1230);
    // Sandbox payments are test money: make this one live to see it in revenue.
    const r = await payLocalCheckout(org.id, co.json.id, { cardNumber: "4242424242424242" }, "test");
    expect(r.ok).toBe(true);
    const [pay] = await db.select().from(payments).where(eq(payments.orgId, org.id));
    expect(pay).toMatchObject({ amountCents: 1230, taxCents: 230, status: "succeeded" });
    const [inv] = await db.select().from(invoices).where(eq(invoices.orgId, org.id));
    expect(inv).toMatchObject({ subtotalCents: 1000, taxCents: 230, totalCents: 1230, status: "paid" });

    await db.update(payments).set({ livemode: true }).where(eq(payments.id, pay!.id));
    const month = new Date().toISOString().slice(0, 7);
    const from = new Date(`${month}-01T00:00:00Z`);
    const to = new Date(from.getTime() + 32 * 86_400_000);
    expect((await creditPackRevenueByMonth("chf", from, to)).get(month)).toBe(1000);
    // Half refunded: half the net is revenue (the tax refunded with it is not).
    await db.update(payments).set({ amountRefundedCents: 615 }).where(eq(payments.id, pay!.id));
    expect((await creditPackRevenueByMonth("chf", from, to)).get(month)).toBe(500);
  });
});

describe("tax rates API", () => {
  it("creates, lists and archives rates; refuses bad fields by name and a second active rate per jurisdiction", async () => {
    const key = await platformKey();
    const bad = await createRate(key, { country: "Germany", name: "", percentage: "19,5" });
    expect(bad.status).toBe(400);
    const msg = JSON.stringify(bad.json);
    expect(msg).toContain("country");
    expect(msg).toContain("name");
    expect(msg).toContain("percentage");
    expect((await createRate(key, { country: "SE", name: "Moms", percentage: "100" })).status).toBe(400);

    const made = await createRate(key, { country: "se", name: "Moms", percentage: "25.00" });
    expect(made.status).toBe(201);
    expect(made.json).toMatchObject({ country: "SE", region: null, percentage: "25", active: true });
    const dup = await createRate(key, { country: "SE", name: "Moms", percentage: "12" });
    expect(dup.status).toBe(409);
    // A region is a jurisdiction of its own.
    expect((await createRate(key, { country: "SE", region: "ab", name: "Moms", percentage: "12" })).status).toBe(201);

    const archived = await call<RateOut>(taxRateRoute.PATCH, "PATCH", `/api/v1/tax-rates/${made.json.id}`, {
      key,
      params: { id: made.json.id },
      body: { active: false },
    });
    expect(archived.status).toBe(200);
    expect(archived.json.active).toBe(false);
    expect((await createRate(key, { country: "SE", name: "Moms", percentage: "12" })).status).toBe(201);
    // Bringing the archived one back would make two active rates.
    const back = await call<Err>(taxRateRoute.PATCH, "PATCH", `/api/v1/tax-rates/${made.json.id}`, {
      key,
      params: { id: made.json.id },
      body: { active: true },
    });
    expect(back.status).toBe(409);
    const missing = await call(taxRateRoute.PATCH, "PATCH", "/api/v1/tax-rates/txr_nope", {
      key,
      params: { id: "txr_nope" },
      body: { active: false },
    });
    expect(missing.status).toBe(404);

    const list = await call<{ data: RateOut[] }>(taxRatesRoute.GET, "GET", "/api/v1/tax-rates", { key });
    const se = list.json.data.filter((r) => r.country === "SE");
    expect(se).toHaveLength(3);
    expect(se.filter((r) => r.active)).toHaveLength(2);
  });

  it("answers customers 403: neither their key nor an owner's session reads or changes rates or the report", async () => {
    const { org, cookie } = await owner();
    const ckey = await customerKey(org.id);
    for (const auth of [{ key: ckey }, { cookie }]) {
      expect((await call(taxRatesRoute.GET, "GET", "/api/v1/tax-rates", auth)).status).toBe(403);
      expect(
        (
          await call(taxRatesRoute.POST, "POST", "/api/v1/tax-rates", {
            ...auth,
            body: { country: "IT", name: "IVA", percentage: "22" },
          })
        ).status,
      ).toBe(403);
      expect(
        (await call(taxReportRoute.GET, "GET", "/api/v1/reports/tax?from=2026-01-01&to=2026-12-31", auth)).status,
      ).toBe(403);
    }
    expect(await db.select().from(taxRates).where(eq(taxRates.country, "IT"))).toHaveLength(0);
  });
});

describe("tax report", () => {
  it("sums net, tax and gross per jurisdiction and rate, reverse charge apart, as JSON and CSV", async () => {
    const key = await platformKey();
    await updateSellerSettings({ tax_mode: "tally_rates", country: "DE" });
    await createRate(key, { country: "DK", name: "Moms", percentage: "25" });
    const a = await owner();
    const b = await owner();
    const c = await owner();
    await updateBillingDetails(a.org.id, { country: "DK" });
    await updateBillingDetails(b.org.id, { country: "DK" });
    await updateBillingDetails(c.org.id, { country: "DK", tax_ids: [{ type: "eu_vat", value: "DK12345678" }] });
    const one = [{ kind: "fixed" as const, description: "Fee", quantity: "1", amountCents: 1001 }];
    await issueFor(a.org.id, one); // 250.25 → 250
    await issueFor(b.org.id, one);
    await issueFor(b.org.id, one, false); // test money: not in the report
    const voided = await issueFor(a.org.id, one);
    await db.update(invoices).set({ status: "void" }).where(eq(invoices.id, voided.invoice.id));
    await issueFor(c.org.id, one); // reverse charged
    await updateSellerSettings({ tax_mode: "none" });

    const day = new Date().toISOString().slice(0, 10);
    const json = await call<{ data: Record<string, unknown>[] }>(
      taxReportRoute.GET,
      "GET",
      `/api/v1/reports/tax?from=${day}&to=${day}`,
      { key },
    );
    expect(json.status).toBe(200);
    // Other tests of this file issued invoices today too: Denmark is this test's alone.
    expect(json.json.data.filter((r) => r.country === "DK")).toEqual([
      {
        country: "DK",
        region: null,
        name: "Moms",
        percentage: "25",
        inclusive: false,
        currency: "eur",
        net_cents: 2002,
        tax_cents: 500,
        gross_cents: 2502,
        reverse_charge_net_cents: 0,
        invoice_count: 2,
        credit_note_count: 0,
      },
      {
        country: "DK",
        region: null,
        name: "VAT (reverse charge)",
        percentage: "0",
        inclusive: false,
        currency: "eur",
        net_cents: 1001,
        tax_cents: 0,
        gross_cents: 1001,
        reverse_charge_net_cents: 1001,
        invoice_count: 1,
        credit_note_count: 0,
      },
    ]);

    const res = await taxReportRoute.GET(
      new Request(`http://tally.test/api/v1/reports/tax?from=${day}&to=${day}&format=csv`, {
        headers: { authorization: `Bearer ${key}` },
      }),
      { params: Promise.resolve({}) },
    );
    expect(res.headers.get("content-type")).toContain("text/csv");
    expect(res.headers.get("content-disposition")).toContain(`tax-${day}-${day}.csv`);
    const csvLines = (await res.text()).trim().split("\n");
    expect(csvLines.filter((l, i) => i === 0 || l.startsWith("DK,"))).toEqual([
      "country,region,tax_name,percentage,inclusive,currency,net_cents,tax_cents,gross_cents,reverse_charge_net_cents,invoice_count,credit_note_count",
      "DK,,Moms,25,false,eur,2002,500,2502,0,2,0",
      "DK,,VAT (reverse charge),0,false,eur,1001,0,1001,1001,1,0",
    ]);

    // A period before the invoices: nothing; a reversed range: 400 naming `to`.
    const empty = await call<{ data: unknown[] }>(
      taxReportRoute.GET,
      "GET",
      "/api/v1/reports/tax?from=2020-01-01&to=2020-01-31",
      { key },
    );
    expect(empty.json.data).toEqual([]);
    const reversed = await call<Err>(taxReportRoute.GET, "GET", "/api/v1/reports/tax?from=2026-02-01&to=2026-01-01", {
      key,
    });
    expect(reversed.status).toBe(400);
    expect(JSON.stringify(reversed.json)).toContain("to");
    expect(await db.select().from(invoiceLines).where(eq(invoiceLines.orgId, c.org.id))).toHaveLength(1);
  });
});
