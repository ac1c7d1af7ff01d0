import fs from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { ADMIN_STATE, OWNER_STATE } from "./support";

type Stats = {
  currency: string;
  mrr_cents: number;
  arr_cents: number;
  arpu_cents: number | null;
  total_customers: number;
  active_subscriptions: number;
  trialing_subscriptions: number;
  past_due_subscriptions: number;
  tiers: { tier: string; mrr_cents: number }[];
};
type Series = { data: { month: string; ending_mrr_cents: number; expansion_mrr_cents: number }[] };

const usd = (cents: number) =>
  new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" }).format(cents / 100);
const monthKey = (d: Date) => `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;

/** Every admin page on disk (app/admin/**\/page.tsx), dynamic segments filled with a placeholder. */
function adminPages(): string[] {
  const root = path.join(process.cwd(), "app/admin");
  const walk = (dir: string): string[] =>
    fs
      .readdirSync(dir, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name === "page.tsx" ? [dir] : []));
  return walk(root).map(
    (dir) =>
      "/" +
      path
        .relative(path.join(process.cwd(), "app"), dir)
        .split(path.sep)
        .join("/")
        .replace(/\/\([\w-]+\)/g, "") // route groups, such as (overview), are not part of the URL
        .replace(/\[\w+\]/g, "x"),
  );
}

async function charts(page: Page) {
  // Recharts draws in the browser: the SVG with its lines and bars appears after hydration.
  await expect(page.getByTestId("mrr-chart").locator("svg .recharts-line-curve")).toHaveCount(1);
  await expect
    .poll(() => page.getByTestId("movements-chart").locator("svg .recharts-bar-rectangle path").count())
    .toBeGreaterThan(3);
  await expect
    .poll(() => page.getByTestId("tier-chart").locator("svg .recharts-bar-rectangle path").count())
    .toBeGreaterThan(0);
}

test.describe("admin", () => {
  test.use({ storageState: ADMIN_STATE });

  test("sees today's MRR, ARR, ARPU and counts on the overview, the same as the stats API, with the tier breakdown", async ({
    page,
  }) => {
    await page.goto("/admin");
    const stats: Stats = await (await page.request.get("/api/v1/admin/billing/stats")).json();
    expect(stats.mrr_cents).toBeGreaterThan(0);
    await expect(page.getByTestId("stat-mrr")).toHaveText(usd(stats.mrr_cents));
    await expect(page.getByTestId("stat-arr")).toHaveText(usd(stats.arr_cents));
    await expect(page.getByTestId("stat-arpu")).toHaveText(usd(stats.arpu_cents!));
    await expect(page.getByTestId("stat-customers")).toHaveText(stats.total_customers.toLocaleString("en-US"));
    await expect(page.getByTestId("stat-active")).toHaveText(String(stats.active_subscriptions));
    await expect(page.getByTestId("stat-trialing")).toHaveText(String(stats.trialing_subscriptions));
    await expect(page.getByTestId("stat-past-due")).toHaveText(String(stats.past_due_subscriptions));
    for (const t of stats.tiers)
      await expect(page.getByTestId(`tier-${t.tier}`).getByTestId("tier-mrr")).toHaveText(usd(t.mrr_cents));
    await expect
      .poll(() => page.getByTestId("tier-chart").locator("svg .recharts-bar-rectangle path").count())
      .toBeGreaterThan(0);
    // The demo's past-due customer and its discount-holding customer are in the list — looked up by
    // name: the list shows the newest 25 customers, and earlier journeys add customers of their own.
    await page.goto("/admin?q=Industries");
    await expect(page.getByTestId("customer-row").filter({ hasText: "Vandelay Industries" })).toContainText("past due");
    await expect(page.getByTestId("customer-row").filter({ hasText: "Stark Industries" })).toContainText("$79.20");
  });

  test("sorts the customer list by MRR and opens a customer's history, invoices and payments", async ({ page }) => {
    await page.goto("/admin");
    await page.getByRole("link", { name: /^MRR/ }).click();
    await expect(page).toHaveURL(/sort=mrr/);
    const cents = (await page.getByTestId("customer-mrr-cell").allTextContents()).map((t) =>
      Number(t.replace(/[^\d]/g, "")),
    );
    expect(cents.length).toBeGreaterThan(5);
    expect(cents).toEqual([...cents].sort((a, b) => b - a));
    await page
      .getByTestId("customer-row")
      .filter({ hasText: "Stark Industries" })
      .getByRole("link", { name: "Stark Industries" })
      .click();
    await expect(page.getByRole("heading", { name: "Stark Industries" })).toBeVisible();
    await expect(page.getByTestId("customer-mrr")).toHaveText("$79.20");
    await expect(page.getByTestId("history-row").filter({ hasText: "Discount changed" })).toContainText("$79.20");
    await expect(page.getByTestId("history-row").filter({ hasText: "Subscribed" })).toContainText("$99.00");
    await expect(page.getByRole("table", { name: "Invoices" })).toContainText("TLY-");
    await expect(page.getByTestId("charge-row").first()).toContainText("succeeded");
    await expect(page.getByRole("link", { name: "Credits and ledger" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Usage and events" })).toBeVisible();
  });

  test("sees MRR over time, the movements and the tier breakdown drawn, with the numbers in the table", async ({
    page,
  }) => {
    await page.goto("/admin/revenue");
    await charts(page);
    const series: Series = await (await page.request.get("/api/v1/admin/revenue/series")).json();
    const stats: Stats = await (await page.request.get("/api/v1/admin/billing/stats")).json();
    const now = series.data[series.data.length - 1]!;
    expect(now.ending_mrr_cents).toBe(stats.mrr_cents);
    await expect(page.getByTestId("revenue-mrr")).toHaveText(usd(stats.mrr_cents));
    await expect(page.getByTestId(`month-${now.month}`).getByTestId("ending-mrr")).toHaveText(
      usd(now.ending_mrr_cents),
    );
    // The demo's Initech upgraded Starter → Professional six months ago: +$70.00 of expansion that month.
    const d = new Date();
    const upgradeMonth = monthKey(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 6, 1)));
    expect(series.data.find((m) => m.month === upgradeMonth)?.expansion_mrr_cents).toBe(7000);
    await expect(page.getByTestId(`month-${upgradeMonth}`)).toContainText("$70.00");
  });

  test("picks another range of months, and is told when the range is wrong", async ({ page }) => {
    await page.goto("/admin/revenue");
    await page.getByLabel("From month").fill("2026-01");
    await page.getByLabel("To month").fill("2026-03");
    await page.getByRole("button", { name: "Show" }).click();
    await expect(page).toHaveURL(/from=2026-01&to=2026-03/);
    await expect(page.getByRole("table", { name: "MRR movements per month" }).locator("tbody tr")).toHaveCount(3);
    await page.goto("/admin/revenue?from=2026-05&to=2026-02");
    await expect(page.getByText("must not be after to")).toBeVisible();
  });

  test("reads credit and usage economics, and downloads the CSV exports", async ({ page }) => {
    await page.goto("/admin/revenue/economics");
    await expect(page.getByRole("heading", { name: /Credits, usage and margin/ })).toBeVisible();
    await expect(page.getByTestId("econ-deferred")).toHaveText(/^\$\d/);
    await expect
      .poll(() => page.getByTestId("cost-chart").locator("svg .recharts-bar-rectangle path").count())
      .toBeGreaterThan(0);
    await expect(page.getByTestId("margin-row").first()).toBeVisible();

    await page.goto("/admin");
    const download = page.waitForEvent("download");
    await page.getByRole("link", { name: "Export customers (CSV)" }).click();
    const file = await (await download).path();
    const csv = fs.readFileSync(file, "utf8");
    expect(csv.split("\n")[0]).toContain("id,name,email,external_id");
    expect(csv).toContain("Umbrella Corp");
  });

  test("filters subscriptions by status and charges by refunds", async ({ page }) => {
    await page.goto("/admin/subscriptions");
    await page.getByRole("link", { name: "Past due" }).click();
    await expect(page).toHaveURL(/status=past_due/);
    await expect(page.getByTestId("subscription-row").filter({ hasText: "Vandelay Industries" })).toBeVisible();
    await page.getByRole("link", { name: "Canceled", exact: true }).click();
    await expect(page.getByTestId("subscription-row").filter({ hasText: "Soylent" })).toBeVisible();
    await page.goto("/admin/charges");
    await page.getByRole("link", { name: "With refunds" }).click();
    await expect(page.getByTestId("charge-row").first()).toContainText("refunded");
  });
});

test.describe("customer", () => {
  test.use({ storageState: OWNER_STATE });

  test("is refused every admin page and the admin revenue API with a 403", async ({ page }) => {
    const pages = adminPages();
    expect(pages).toEqual(
      expect.arrayContaining([
        "/admin",
        "/admin/revenue",
        "/admin/revenue/economics",
        "/admin/subscriptions",
        "/admin/charges",
        "/admin/customers/x",
      ]),
    );
    for (const p of pages) {
      const res = await page.goto(p);
      expect(res?.status(), p).toBe(403);
    }
    for (const p of [
      "/api/v1/admin/billing/stats",
      "/api/v1/admin/revenue/series",
      "/api/v1/admin/export/customers.csv",
    ]) {
      expect((await page.request.get(p)).status(), p).toBe(403);
    }
  });
});
