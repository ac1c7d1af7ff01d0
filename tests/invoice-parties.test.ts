import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as details from "@/app/api/v1/billing/details/route";
import * as settings from "@/app/api/v1/settings/invoicing/route";
import * as pdf from "@/app/api/v1/billing/invoices/[id]/pdf/route";
import { db } from "@/lib/db/client";
import { invoices } from "@/lib/db/schema";
import { issueInvoice } from "@/lib/invoices/issue-invoice";
import { call, customerKey, makeOrg, makeUser, platformKey, sessionCookie, uid } from "./support/fixtures";
import { pdfText } from "./support/pdf-text";

type Details = {
  customer_id: string;
  billing_name: string;
  country: string;
  tax_ids: { type: string; value: string }[];
};
type Err = { error: { code: string; message: string } };

async function owner() {
  const org = await makeOrg();
  const user = await makeUser("owner", org.id);
  return { org, cookie: await sessionCookie(user.id) };
}

async function issue(orgId: string) {
  const { invoice } = await issueInvoice(db, {
    orgId,
    currency: "eur",
    lines: [{ kind: "subscription", description: "Plan fee", quantity: "1", unitAmount: "10", amountCents: 1000 }],
    sourceKey: `test:${uid()}`,
    issuedAt: new Date(),
    paid: false,
  });
  return invoice;
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

describe("seller settings API", () => {
  it("lets an operator read and change them, refusing bad fields by name and customers outright", async () => {
    const key = await platformKey();
    const before = await call<{ number_prefix: string }>(settings.GET, "GET", "/api/v1/settings/invoicing", { key });
    expect(before.status).toBe(200);

    const bad = await call<Err>(settings.PATCH, "PATCH", "/api/v1/settings/invoicing", {
      key,
      body: { support_email: "not-an-email", number_prefix: "tly 2026" },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json)).toContain("support_email");
    expect(JSON.stringify(bad.json)).toContain("number_prefix");

    const { org, cookie } = await owner();
    const asCustomer = await call(settings.PATCH, "PATCH", "/api/v1/settings/invoicing", {
      cookie,
      body: { legal_name: "Hijacked Ltd" },
    });
    expect(asCustomer.status).toBe(403);
    const asCustomerKey = await call(settings.GET, "GET", "/api/v1/settings/invoicing", {
      key: await customerKey(org.id),
    });
    expect(asCustomerKey.status).toBe(403);
  });
});

describe("billing details API", () => {
  it("lets the owner set them, normalizes tax ids and names the bad one", async () => {
    const { cookie, org } = await owner();
    const ok = await call<Details>(details.PATCH, "PATCH", "/api/v1/billing/details", {
      cookie,
      body: {
        billing_name: "Acme GmbH",
        country: "de",
        tax_ids: [
          { type: "eu_vat", value: "de 123 456 789" },
          { type: "au_abn", value: "51 824 753 556" },
        ],
      },
    });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({
      customer_id: org.id,
      billing_name: "Acme GmbH",
      country: "DE",
      tax_ids: [
        { type: "eu_vat", value: "DE123456789" },
        { type: "au_abn", value: "51824753556" },
      ],
    });

    const bad = await call<Err>(details.PATCH, "PATCH", "/api/v1/billing/details", {
      cookie,
      body: {
        tax_ids: [
          { type: "us_ein", value: "12-3456789" },
          { type: "au_abn", value: "51824753557" },
        ],
      },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json)).toMatch(/tax_ids.1.value|tax_ids\.1\.value/);
    expect(JSON.stringify(bad.json)).toContain("checksum");
    // Nothing half-written: the refused request changed nothing.
    const after = await call<Details>(details.GET, "GET", "/api/v1/billing/details", { cookie });
    expect(after.json.tax_ids).toHaveLength(2);
  });

  it("never lets a customer read or change another customer's details; a member cannot change them", async () => {
    const a = await owner();
    const b = await owner();
    await call(details.PATCH, "PATCH", "/api/v1/billing/details", {
      cookie: b.cookie,
      body: { billing_name: "B Ltd" },
    });

    const read = await call(details.GET, "GET", `/api/v1/billing/details?customer_id=${b.org.id}`, {
      cookie: a.cookie,
    });
    expect(read.status).toBe(403);
    const write = await call(details.PATCH, "PATCH", "/api/v1/billing/details", {
      cookie: a.cookie,
      body: { customer_id: b.org.id, billing_name: "Stolen" },
    });
    expect(write.status).toBe(403);
    const viaKey = await call(details.PATCH, "PATCH", "/api/v1/billing/details", {
      key: await customerKey(a.org.id),
      body: { customer_id: b.org.id, billing_name: "Stolen" },
    });
    expect(viaKey.status).toBe(403);

    const member = await sessionCookie((await makeUser("member", b.org.id)).id);
    const byMember = await call(details.PATCH, "PATCH", "/api/v1/billing/details", {
      cookie: member,
      body: { billing_name: "Member edit" },
    });
    expect(byMember.status).toBe(403);

    const own = await call<Details>(details.GET, "GET", "/api/v1/billing/details", { cookie: b.cookie });
    expect(own.json.billing_name).toBe("B Ltd");

    // The operator sets them for a customer it names.
    const op = await call<Details>(details.PATCH, "PATCH", "/api/v1/billing/details", {
      key: await platformKey(),
      body: { customer_id: b.org.id, tax_ids: [{ type: "in_gst", value: "27AAPFU0939F1ZV" }] },
    });
    expect(op.status).toBe(200);
    expect(op.json).toMatchObject({ billing_name: "B Ltd", tax_ids: [{ type: "in_gst", value: "27AAPFU0939F1ZV" }] });
  });
});

describe("invoices name both parties as they were at issue", () => {
  it("shows the new details on an invoice issued after the edit while an earlier one keeps its snapshot", async () => {
    const key = await platformKey();
    const { org, cookie } = await owner();
    await call(settings.PATCH, "PATCH", "/api/v1/settings/invoicing", {
      key,
      body: {
        legal_name: "Seller One BV",
        address_line1: "Keizersgracht 1",
        city: "Amsterdam",
        postal_code: "1015 AA",
        country: "NL",
        tax_id: "NL123456789B01",
        support_email: "billing@seller.example",
        invoice_footer: "Payment within 14 days.",
        number_prefix: "S1-",
      },
    });
    await call(details.PATCH, "PATCH", "/api/v1/billing/details", {
      cookie,
      body: {
        billing_name: "Buyer First GmbH",
        city: "Berlin",
        country: "DE",
        tax_ids: [{ type: "eu_vat", value: "DE123456789" }],
      },
    });
    const first = await issue(org.id);
    expect(first.number).toMatch(/^S1-\d{6}$/);

    await call(settings.PATCH, "PATCH", "/api/v1/settings/invoicing", {
      key,
      body: { legal_name: "Seller Two BV", invoice_footer: "New footer.", number_prefix: "S2-" },
    });
    await call(details.PATCH, "PATCH", "/api/v1/billing/details", {
      cookie,
      body: { billing_name: "Buyer Renamed GmbH", tax_ids: [{ type: "gb_vat", value: "GB123456789" }] },
    });
    const second = await issue(org.id);
    expect(second.number).toMatch(/^S2-\d{6}$/);

    const firstText = await pdfOf(first.id, cookie);
    expect(firstText).toContain("Seller One BV");
    expect(firstText).toContain("Keizersgracht 1");
    expect(firstText).toContain("1015 AA Amsterdam");
    expect(firstText).toContain("Tax ID NL123456789B01");
    expect(firstText).toContain("billing@seller.example");
    expect(firstText).toContain("Payment within 14 days.");
    expect(firstText).toContain("Bill to");
    expect(firstText).toContain("Buyer First GmbH");
    expect(firstText).toContain("EU VAT DE123456789");
    expect(firstText).toContain(`Number ${first.number}`);
    expect(firstText).not.toContain("Seller Two BV");
    expect(firstText).not.toContain("Buyer Renamed GmbH");

    const secondText = await pdfOf(second.id, cookie);
    expect(secondText).toContain("Seller Two BV");
    expect(secondText).toContain("New footer.");
    expect(secondText).toContain("Buyer Renamed GmbH");
    expect(secondText).toContain("GB VAT GB123456789");
    expect(secondText).not.toContain("EU VAT DE123456789");

    const [stored] = await db.select().from(invoices).where(eq(invoices.id, first.id));
    expect(stored!.parties?.buyer.billing_name).toBe("Buyer First GmbH");

    // Back to the default prefix, so other tests sharing the database see what they expect.
    await call(settings.PATCH, "PATCH", "/api/v1/settings/invoicing", { key, body: { number_prefix: "TLY-" } });
  });
});
