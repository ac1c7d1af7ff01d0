// The same figure is the same on every page that shows it (docs/metrics.md lists them): MRR, a
// month's usage revenue, net new MRR and its movements, a customer's credit balance. Each is read
// from each page as a person sees it and compared, and the pages write amounts, unit prices,
// dates and cards one way (lib/format.ts).
import { expect, test, type Browser } from "@playwright/test";
import { ADMIN_STATE, OWNER_STATE } from "./support";

const monthKey = (d: Date) => `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;
const usd = (cents: number) =>
  (cents < 0 ? "−" : "") +
  new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" }).format(Math.abs(cents) / 100);

async function text(browser: Browser, state: string, path: string, testId: string, within?: string) {
  const context = await browser.newContext({ storageState: state, baseURL: test.info().project.use.baseURL });
  const page = await context.newPage();
  await page.goto(path);
  const scope = within ? page.getByTestId(within) : page;
  const value = (await scope.getByTestId(testId).first().textContent())?.trim() ?? "";
  await context.close();
  return value;
}

test.describe("the same figure on every page", () => {
  test.use({ storageState: ADMIN_STATE });

  test("MRR is the same on the overview, the revenue page and the stats API", async ({ page, browser }) => {
    const stats = await (await page.request.get("/api/v1/admin/billing/stats")).json();
    const overview = await text(browser, ADMIN_STATE, "/admin", "stat-mrr");
    const revenue = await text(browser, ADMIN_STATE, "/admin/revenue", "revenue-mrr");
    expect(overview).toBe(usd(stats.mrr_cents));
    expect(revenue).toBe(overview);
  });

  test("a month's usage revenue is the same in the revenue table and on the economics page", async ({ browser }) => {
    // Five page loads, each rating a year of usage: more than the default minute on a loaded machine.
    test.setTimeout(180_000);
    const now = new Date();
    const previous = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
    for (const month of [monthKey(previous), monthKey(now)]) {
      const table = await text(browser, ADMIN_STATE, "/admin/revenue", "usage-revenue", `retention-${month}`);
      const economics = await text(browser, ADMIN_STATE, `/admin/revenue/economics?month=${month}`, "econ-usage");
      expect(table, `usage revenue of ${month}`).toBe(economics);
    }
    // The demo's Professional customers use LLM tokens every day: the current month has usage revenue.
    expect(await text(browser, ADMIN_STATE, `/admin/revenue/economics?month=${monthKey(now)}`, "econ-usage")).not.toBe(
      "$0.00",
    );
  });

  test("net new MRR is every movement of the month, and the card says which", async ({ page }) => {
    const series = await (await page.request.get("/api/v1/admin/revenue/series")).json();
    const last = series.data[series.data.length - 1];
    await page.goto("/admin/revenue");
    const net =
      last.new_mrr_cents +
      last.expansion_mrr_cents +
      last.reactivation_mrr_cents -
      last.contraction_mrr_cents -
      last.churned_mrr_cents;
    expect(last.net_new_mrr_cents).toBe(net);
    await expect(page.getByTestId("revenue-net-new-mrr")).toHaveText((net > 0 ? "+" : "") + usd(net));
    const parts = page.getByTestId("revenue-net-new-parts");
    for (const word of ["new", "expansion", "reactivation", "contraction", "churned"])
      await expect(parts).toContainText(word);
    await expect(parts).toContainText(`expansion ${usd(last.expansion_mrr_cents)}`);
  });

  test("a customer's credit balance is the same on its credits page and in the admin's customer list", async ({
    browser,
  }) => {
    const customerPage = await text(browser, OWNER_STATE, "/credits", "credit-balance");
    const context = await browser.newContext({ storageState: ADMIN_STATE });
    const page = await context.newPage();
    await page.goto("/admin?q=Acme");
    const row = page.getByTestId("customer-row").filter({ hasText: "Acme Corp" });
    await expect(row.getByTestId("customer-credit-balance-cell")).toHaveText(customerPage);
    await context.close();
  });
});

test.describe("one way to write each kind", () => {
  test.use({ storageState: OWNER_STATE });

  test("the usage page says billing period and writes amounts to the cent and unit prices per unit", async ({
    page,
  }) => {
    await page.goto("/usage");
    await expect(page.getByRole("heading", { name: "Today and this billing period" })).toBeVisible();
    await expect(
      page.getByText(/^Billing period [A-Z][a-z]{2} \d{1,2}(, \d{4})? – [A-Z][a-z]{2} \d{1,2}, \d{4}/),
    ).toBeVisible();
    const main = (await page.locator("main").textContent()) ?? "";
    // Amounts are to the cent: no "$0.5451".
    expect(main).not.toMatch(/\$\d[\d,]*\.\d{3,}(?! \/)/);
    // Dates one way: no "12/21/2026" or "2026-12-21".
    expect(main).not.toMatch(/\b\d{1,2}\/\d{1,2}\/\d{4}\b|\b\d{4}-\d{2}-\d{2}\b/);
  });

  test("the billing page names the card brand one way and writes dates one way", async ({ page }) => {
    await page.goto("/billing");
    // The page streams in after its loading skeleton: read it once the card is shown.
    await expect(page.locator("main")).toContainText("Visa •••• 4242");
    const main = (await page.locator("main").textContent()) ?? "";
    expect(main).not.toMatch(/visa ••••/);
    expect(main).toMatch(/expires \d{2}\/\d{2}(?!\d)/);
    expect(main).not.toMatch(/\b\d{1,2}\/\d{1,2}\/\d{4}\b|\b\d{4}-\d{2}-\d{2}\b/);
  });

  test("the credits page writes its days as every other page does", async ({ page }) => {
    await page.goto("/credits");
    await expect(page.getByRole("table", { name: "Credits spent per day" })).toBeVisible();
    const table = (await page.getByRole("table", { name: "Credits spent per day" }).textContent()) ?? "";
    expect(table).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(table).toMatch(/[A-Z][a-z]{2} \d{1,2}, \d{4}/);
  });
});
