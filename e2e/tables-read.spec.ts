import { expect, test, type Page } from "@playwright/test";
import { ADMIN_STATE, OWNER_STATE } from "./support";

// Issue 19, what a person reads in tables: the members table on a phone, "Customer since" on the admin's
// customer list, credit buckets named for people (raw keys for operators only), and the usage page's
// by-period table keeping its header in view.

const DATE = /^[A-Z][a-z]{2} \d{1,2}, \d{4}$/;
/** What a bucket key or id looks like (grt_…, alloc:…, sub_…:2026-…, meter:…): never shown to a customer. */
const RAW_KEY = /\b(grt_[A-Za-z0-9]+|alloc:|sub_[A-Za-z0-9]+:|meter:[a-z_]+)/;

/** The element's content is wider than its box (it is cut or scrolls sideways). */
const cut = (page: Page, testId: string) =>
  page
    .getByTestId(testId)
    .first()
    .evaluate((el) => {
      const table = el.closest("table")!;
      return table.scrollWidth > table.parentElement!.clientWidth + 1;
    });

test.describe("the members table", () => {
  test.use({ storageState: OWNER_STATE });

  test("fits a 390 px phone: each member's name, email, role and last sign-in are on screen", async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto("/");
    const row = page.getByTestId("member-row").first();
    await expect(row).toBeVisible();
    expect(await cut(page, "member-row"), "the members table is wider than its card").toBe(false);
    const rows = page.getByTestId("member-row");
    for (let i = 0; i < (await rows.count()); i++) {
      await expect(rows.nth(i).getByText(/@/).filter({ visible: true })).toBeVisible();
      await expect(rows.nth(i).getByText(/^(owner|member)$/)).toBeVisible();
    }
    await expect(row.getByText(/Last sign-in/)).toBeAttached();
  });

  test("has a column each on a desktop", async ({ page }) => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto("/");
    const table = page.getByRole("table", { name: "Members" });
    for (const name of ["Name", "Email", "Role", "Last sign-in"])
      await expect(table.getByRole("columnheader", { name })).toBeVisible();
  });
});

test.describe("the admin's customer list", () => {
  test.use({ storageState: ADMIN_STATE });

  test("says since when each is a customer, sorts by it, and agrees with the customer's page", async ({ page }) => {
    await page.goto("/admin");
    const header = page.getByRole("columnheader", { name: /Customer since/ });
    await expect(header).toHaveAttribute("aria-sort", "descending");
    const cells = page.getByTestId("customer-since-cell");
    await expect(cells.first()).toHaveText(DATE);
    const newestFirst = (await cells.allTextContents()).map((t) => Date.parse(`${t} UTC`));
    expect(newestFirst).toEqual([...newestFirst].sort((a, b) => b - a));

    await header.getByRole("link").click();
    await expect(page.getByRole("columnheader", { name: /Customer since/ })).toHaveAttribute("aria-sort", "ascending");
    const oldestFirst = (await cells.allTextContents()).map((t) => Date.parse(`${t} UTC`));
    expect(oldestFirst).toEqual([...oldestFirst].sort((a, b) => a - b));

    // Acme's date is the one its own page says.
    const acme = page.getByTestId("customer-row").filter({ hasText: "Acme" }).first();
    const listed = await acme.getByTestId("customer-since-cell").textContent();
    await acme.getByRole("link").first().click();
    await expect(page.getByText(`customer since ${listed}`)).toBeVisible();
  });
});

test.describe("credit buckets", () => {
  test("a customer sees each bucket named, and no bucket key", async ({ browser }) => {
    const context = await browser.newContext({ storageState: OWNER_STATE });
    const page = await context.newPage();
    await page.goto("/credits");
    const names = page.getByTestId("bucket-name");
    await expect(names.first()).toBeVisible();
    for (const name of await names.allTextContents()) {
      expect(name.trim()).not.toBe("");
      expect(name).not.toMatch(RAW_KEY);
    }
    await expect(page.getByTestId("bucket-key")).toHaveCount(0);
    // A spend's reference is the customer's own (the call id sent with it): no internal one is shown.
    for (const ref of await page.getByTestId("ledger-reference").allTextContents()) expect(ref).not.toMatch(RAW_KEY);
    const text = await page.locator("main").innerText();
    expect(text).not.toMatch(RAW_KEY);
    // Sources are named too: "Plan", not the API's "subscription".
    expect(text).not.toMatch(/\bsubscription, then\b|^subscription$/m);
    // Included credits say which plan and when.
    await expect(names.filter({ hasText: /^Included with / }).first()).toBeVisible();
    await context.close();
  });

  test("the admin also sees each bucket's key, muted", async ({ browser }) => {
    const context = await browser.newContext({ storageState: ADMIN_STATE });
    const page = await context.newPage();
    await page.goto("/admin?q=Acme");
    await page.getByTestId("customer-row").filter({ hasText: "Acme" }).first().getByRole("link").first().click();
    await page.getByRole("link", { name: "Credits and ledger" }).click();
    const key = page.getByTestId("bucket-key").first();
    await expect(key).toHaveText(/^grt_/);
    await expect(key).toHaveClass(/font-mono/);
    await context.close();
  });
});

test.describe("the usage page's by-period table", () => {
  test.use({ storageState: OWNER_STATE });

  test("keeps its header in view while the periods scroll under it", async ({ page }) => {
    await page.goto("/usage?range=30d&window=day");
    const box = page.getByRole("region", { name: "Usage by period" });
    await expect(box).toBeVisible();
    const head = page.getByTestId("usage-table-head");
    await box.evaluate((el) => (el.scrollTop = 200));
    await expect
      .poll(async () => {
        const [b, h] = await Promise.all([box.boundingBox(), head.boundingBox()]);
        return Math.round(Math.abs(h!.y - b!.y));
      })
      .toBeLessThanOrEqual(1);
    // It can be scrolled from the keyboard.
    await expect(box).toHaveAttribute("tabindex", "0");
  });
});
