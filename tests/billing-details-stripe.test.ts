import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as details from "@/app/api/v1/billing/details/route";
import { db } from "@/lib/db/client";
import { organizations } from "@/lib/db/schema";
import { runDueJobs } from "@/lib/jobs/outbox";
import { call, makeOrg, makeUser, sessionCookie } from "./support/fixtures";
import { withStripeServer } from "./support/stripe-env";

const stripe = withStripeServer({ STRIPE_WEBHOOK_SECRET: "whsec_billing_details" });

const soon = () => new Date(Date.now() + 60_000);

describe("billing details with Stripe", () => {
  it("keeps the Stripe customer's address and tax ids in step with the customer's edits", async () => {
    const org = await makeOrg();
    await runDueJobs(soon()); // the outbox creates the Stripe customer
    const [row] = await db.select().from(organizations).where(eq(organizations.id, org.id));
    const customerId = row!.stripeCustomerId!;
    expect(customerId).toMatch(/^cus_/);
    const cookie = await sessionCookie((await makeUser("owner", org.id)).id);

    const first = await call(details.PATCH, "PATCH", "/api/v1/billing/details", {
      cookie,
      body: {
        billing_name: "Acme GmbH",
        address_line1: "Hauptstr. 1",
        city: "Berlin",
        postal_code: "10115",
        country: "DE",
        tax_ids: [
          { type: "eu_vat", value: "DE123456789" },
          { type: "us_ein", value: "12-3456789" },
        ],
      },
    });
    expect(first.status).toBe(200);
    await runDueJobs(soon());
    const customer = stripe.objects.get(customerId)!;
    expect(customer.name).toBe("Acme GmbH");
    expect(customer.address).toMatchObject({
      line1: "Hauptstr. 1",
      city: "Berlin",
      postal_code: "10115",
      country: "DE",
    });
    expect(stripe.taxIdsOf(customerId).map((t) => `${t.type} ${t.value}`)).toEqual([
      "eu_vat DE123456789",
      "us_ein 12-3456789",
    ]);

    // One tax id removed, one added, one kept: Stripe ends with exactly Tally's list.
    await call(details.PATCH, "PATCH", "/api/v1/billing/details", {
      cookie,
      body: {
        tax_ids: [
          { type: "us_ein", value: "12-3456789" },
          { type: "au_abn", value: "51824753556" },
        ],
      },
    });
    await runDueJobs(soon());
    await runDueJobs(soon()); // a second run changes nothing more
    expect(
      stripe
        .taxIdsOf(customerId)
        .map((t) => `${t.type} ${t.value}`)
        .sort(),
    ).toEqual(["au_abn 51824753556", "us_ein 12-3456789"]);
  });
});
