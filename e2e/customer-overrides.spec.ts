import { expect, test } from "@playwright/test";
import { ADMIN_STATE, OWNER_STATE } from "./support";

test("an operator gives Acme a custom price for API calls: the admin page marks it custom, Acme's upcoming invoice bills at it, and revoked the plan's price is back", async ({
  browser,
}) => {
  const admin = await browser.newContext({ storageState: ADMIN_STATE });
  const op = await admin.newPage();
  const owner = await browser.newContext({ storageState: OWNER_STATE });
  const customer = await owner.newPage();

  // Acme uses the API this period (its Professional plan gives the first 100,000 calls free).
  await customer.goto("/api-keys");
  await customer.getByLabel("Name").fill(`overrides e2e ${Date.now()}`);
  await customer.getByRole("button", { name: "Create key" }).click();
  const key = (await customer.getByTestId("new-api-key").textContent())!.trim();
  const run = Date.now();
  const sent = await customer.request.post("/api/v1/events/bulk", {
    headers: { authorization: `Bearer ${key}` },
    data: { events: [1, 2, 3, 4].map((i) => ({ event_id: `e2e-ovr-${run}-${i}`, event_name: "api_call" })) },
  });
  expect(sent.status()).toBe(202);

  await op.goto("/admin?q=Acme");
  await op.getByRole("link", { name: "Acme Corp" }).first().click();
  await expect(op.getByRole("heading", { name: "Acme Corp", level: 1 })).toBeVisible();
  await op.getByText("Custom price for a metered charge", { exact: true }).click();
  const form = op.locator("form", { has: op.getByRole("button", { name: "Save custom price" }) });
  await form.getByLabel("Meter").selectOption({ label: "API calls (api_calls)" });
  await form.getByLabel("Price model").selectOption("per_unit");
  // A bad price is refused on its field, and nothing is saved.
  await form.getByLabel("Price", { exact: true }).fill("-1");
  await form.getByLabel("Reason").fill("E2E negotiated rate");
  await form.getByRole("button", { name: "Save custom price" }).click();
  await expect(form.getByText("must not be negative")).toBeVisible();
  await form.getByLabel("Price", { exact: true }).fill("0.25");
  await form.getByRole("button", { name: "Save custom price" }).click();
  await expect(op.getByText("Price override saved")).toBeVisible();
  const prices = op.getByTestId("override-prices");
  await expect(prices).toContainText("API calls: 0.25 a unit");
  await expect(prices.getByText("custom")).toBeVisible();
  const row = op.getByTestId("override-row").first();
  await expect(row).toContainText("E2E negotiated rate");
  await expect(row).toContainText("active");

  // The customer's upcoming invoice: API calls at the custom price.
  await customer.goto("/billing");
  const line = customer.getByTestId("upcoming-line").filter({ hasText: "API calls (custom price)" });
  await expect(line).toBeVisible();
  // The plan summary shows the customer's own price, marked custom.
  await expect(customer.getByTestId("custom-price")).toContainText("API calls");
  await expect(customer.getByTestId("custom-price")).toContainText("0.25 a unit");
  await expect(customer.getByTestId("custom-price")).toContainText("custom");
  const r = await customer.request.get("/api/v1/billing/upcoming-invoice", {
    headers: { authorization: `Bearer ${key}` },
  });
  const up = await r.json();
  const custom = up.lines.find((l: { description: string }) => l.description.includes("API calls (custom price)"));
  // Every call at 0.25: at least the 4 just sent.
  expect(custom.amount_cents).toBeGreaterThanOrEqual(100);
  expect(custom.amount_exact).toBe(String(Number(custom.quantity) * 0.25));
  await customer.screenshot({ path: "test-results/customer-overrides-billing.png", fullPage: true });
  await op.screenshot({ path: "test-results/customer-overrides-admin.png", fullPage: true });
  // At a phone's width nothing scrolls sideways: the forms and the history fit.
  for (const p of [op, customer]) {
    await p.setViewportSize({ width: 390, height: 844 });
    await expect.poll(() => p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  }
  await op.getByText("Feature value or limit", { exact: true }).click();
  await expect.poll(() => op.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await op.screenshot({ path: "test-results/customer-overrides-admin-phone.png", fullPage: true });
  await customer.screenshot({ path: "test-results/customer-overrides-billing-phone.png", fullPage: true });
  await op.setViewportSize({ width: 1280, height: 900 });

  // Revoked: the history keeps it, and the plan's price is back on the upcoming invoice.
  await row.getByRole("button", { name: "Revoke" }).click();
  await op.getByRole("dialog").getByRole("button", { name: "Revoke" }).click();
  await expect(op.getByText("Price override revoked")).toBeVisible();
  await expect(op.getByTestId("override-row").first()).toContainText("revoked");
  await customer.goto("/billing");
  await expect(customer.getByTestId("upcoming-invoice")).toBeVisible();
  await expect(customer.getByText("API calls (custom price)")).toHaveCount(0);
  await expect(customer.getByTestId("custom-price")).toHaveCount(0);
  await admin.close();
  await owner.close();
});
