// Adopting an existing Stripe account from the admin's pages. This machine cannot reach Stripe, so the
// app runs a second time, on its own port and embedded database, with PAYMENTS=stripe pointed at the
// Stripe-shaped test server (tests/support/stripe-server.ts), which holds the "existing account".
import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { workers } from "../playwright.config";
import { StripeServer, type Obj } from "../tests/support/stripe-server";
import { ADMIN, signIn } from "./support";
import { startStripeModeApp, type StripeModeApp } from "./stripe-mode";

// Two ports after the workers' servers (stripe-in-page.spec.ts takes the first).
const PORT = Number(process.env.E2E_ADOPT_PORT || Number(process.env.E2E_PORT || 3100) + workers + 1);
const BASE = `http://127.0.0.1:${PORT}`;
const DAY = 86400;

const stripe = new StripeServer();
let app: StripeModeApp | undefined;

test.describe("adopting a Stripe account", () => {
  test.describe.configure({ mode: "serial", timeout: 180_000 });
  test.use({ baseURL: BASE, storageState: { cookies: [], origins: [] } });

  test.beforeAll(async () => {
    test.setTimeout(240_000);
    app = await startStripeModeApp(stripe, {
      port: PORT,
      name: "adopt",
      env: {
        AUTH_SECRET: "e2e-secret-e2e-secret-e2e-secret-0002",
        STRIPE_WEBHOOK_SECRET: "whsec_e2e_adopt",
      },
    });
  });

  test.afterAll(async () => {
    await app?.stop();
  });

  test("an admin pulls the plans in, adopts a paying Stripe customer as a new Tally customer, and sees its past invoices", async ({
    page,
  }, testInfo) => {
    // The existing account: a customer paying $49 a month for 2 months on a price Tally has no plan for yet.
    const product = stripe.createProduct({ name: "Legacy Pro" });
    const price = stripe.createPrice({ product: product.id, unit_amount: 4900, recurring: { interval: "month" } });
    const oldCo = stripe.createCustomer({ name: "Old Co", email: "billing@oldco.example" });
    const start = Math.floor(Date.now() / 1000) - 10 * DAY;
    const sub = stripe.createSubscription({
      customer: oldCo.id,
      price: price.id,
      periodStart: start,
      periodEnd: start + 30 * DAY,
    });
    const paid: Obj[] = [60, 30].map((ago) =>
      stripe.put({
        ...stripe.createInvoice({
          customer: oldCo.id,
          subscription: sub.id,
          status: "paid",
          amount: 4900,
          priceId: price.id,
          periodStart: start - ago * DAY,
          periodEnd: start - (ago - 30) * DAY,
        }),
        created: start - ago * DAY,
      }),
    );
    // Old Co had paid for Legacy Pro once before, and left: that span comes in as history.
    stripe.put({
      ...stripe.createSubscription({
        customer: oldCo.id,
        price: price.id,
        status: "canceled",
        periodStart: start - 130 * DAY,
        periodEnd: start - 100 * DAY,
        startDate: start - 220 * DAY,
      }),
      canceled_at: start - 100 * DAY,
      ended_at: start - 100 * DAY,
    });
    stripe.createCustomer({ name: "Hooli", email: "ap@hooli.example" });

    await signIn(page, ADMIN);
    await page.goto("/admin/plans");
    await page.getByRole("link", { name: "Adopt from Stripe" }).click();
    await expect(page.getByRole("heading", { name: "Adopt from Stripe" })).toBeVisible({ timeout: 30_000 });
    const row = page.getByRole("row", { name: /Old Co/ });
    await expect(row.getByText("Blocked", { exact: true })).toBeVisible();
    await expect(row.getByText(/pull plans from Stripe first/)).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath("adopt-blocked.png"), fullPage: true });

    // The sync refreshes the page: the row, no longer blocked, waits for a target.
    await page.getByRole("button", { name: "Sync from Stripe" }).click();
    await expect(row.getByText("Unmatched", { exact: true })).toBeVisible();
    await expect(row.getByText("→ Legacy Pro")).toHaveCount(2);
    await expect(row.getByText(/ended at Stripe: brought as history/)).toBeVisible();
    await expect(page.getByRole("row", { name: /Hooli/ }).getByText("Unmatched", { exact: true })).toBeVisible();
    await row.getByRole("combobox").selectOption({ label: "Create a new Tally customer" });

    const axe = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
    expect(axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical")).toEqual([]);
    await page.screenshot({ path: testInfo.outputPath("adopt-preview.png"), fullPage: true });

    await page.getByRole("button", { name: "Adopt", exact: true }).click();
    await expect(page.getByRole("status")).toContainText("Adopted 1 customer and mirrored 2 invoices");
    // Adopted, and once the page refreshes, linked with nothing new to adopt.
    await expect(row.getByText(/^(Adopted|Linked)$/)).toBeVisible();
    await expect(page.getByRole("row", { name: /Hooli/ }).getByText("Unmatched", { exact: true })).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath("adopt-done.png"), fullPage: true });

    // The new customer, on Legacy Pro, with Stripe's invoices under Stripe's numbers.
    await page.goto("/admin?q=Old%20Co");
    await page.getByRole("link", { name: "Old Co" }).first().click();
    await expect(page.getByText("Legacy Pro").first()).toBeVisible();
    for (const inv of paid) await expect(page.getByText(String(inv.number)).first()).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath("adopted-customer.png"), fullPage: true });
  });
});
