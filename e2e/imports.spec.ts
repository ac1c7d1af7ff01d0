import { expect, test } from "@playwright/test";
import { FlexPriceServer, flexCustomer, flexPlan, flexPrice } from "../tests/support/flexprice-server";
import { ADMIN_STATE } from "./support";

// Issue 24: an admin moves in from FlexPrice (an account's API, FlexPrice-shaped, on loopback): a
// dry run first, its items read with their outcomes, then the import itself; a wrong key is shown
// beside the key field.

test.use({ storageState: ADMIN_STATE });

test("an admin dry-runs a FlexPrice import, reads what would change, then imports", async ({ page }) => {
  test.setTimeout(120_000);
  const key = `sk_e2e_${Date.now()}`;
  const planId = `plan_e2e_${Date.now()}`;
  const server = await new FlexPriceServer(key).start();
  server.data.plans.push(flexPlan(planId, "Voice Starter"));
  server.data.prices.push(
    flexPrice(`${planId}_fee`, planId, { type: "FIXED", amount: "15.00", display_name: "Monthly Fee" }),
  );
  server.data.customers.push(flexCustomer(`cust_${planId}`, `ext-${planId}`, "Voice Client"));
  try {
    await page.goto("/admin");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Imports" }).click();
    await expect(page.getByRole("heading", { name: "Imports", level: 1 })).toBeVisible();

    const form = page.getByRole("form", { name: "Start an import" });
    await form.getByLabel("Source").selectOption("flexprice");
    await form.getByLabel("API URL").fill(server.url);
    await form.getByLabel("API key").fill(key);
    await expect(form.getByRole("checkbox", { name: /Dry run/ })).toBeChecked();
    await form.getByRole("button", { name: "Start import" }).click();
    await expect(form.getByRole("status")).toHaveText("Dry run: would create 2, update 0; 0 unchanged, 0 skipped.");

    const run = page.getByRole("list", { name: "Import runs" }).getByRole("listitem").first();
    await expect(run.getByText("Dry run")).toBeVisible();
    // Who started it, in words: the admin's name and email, not a user id.
    await expect(run).toContainText("Ada Admin (admin@tally.local)");
    await expect(run).toContainText("Plans: 1 new");
    await run.getByText("Plans: 1 new").click();
    const items = run.getByRole("table");
    await expect(items.getByRole("row").filter({ hasText: "Voice Starter" })).toContainText("create");
    await expect(items.getByRole("row").filter({ hasText: "Voice Client" })).toContainText("create");
    await page.screenshot({ path: test.info().outputPath("imports-dry-run.png"), fullPage: true });

    // A submitted form starts afresh (dry run on again): the key is never kept in the page.
    await form.getByLabel("API URL").fill(server.url);
    await form.getByLabel("API key").fill(key);
    await form.getByRole("checkbox", { name: /Dry run/ }).uncheck();
    await form.getByLabel("Sync again every (hours, optional)").fill("6");
    await form.getByRole("button", { name: "Start import" }).click();
    await expect(form.getByRole("status")).toHaveText("Imported: created 2, updated 0; 0 unchanged, 0 skipped.");
    const syncs = page.getByRole("region", { name: "Scheduled syncs" });
    await expect(syncs).toContainText("every 6 h");
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: test.info().outputPath("imports-phone.png"), fullPage: true });
    await page.setViewportSize({ width: 1440, height: 900 });
    await syncs.getByRole("button", { name: "Stop the FlexPrice sync" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Stop sync" }).click();
    await expect(page.getByRole("region", { name: "Scheduled syncs" })).toHaveCount(0);

    await form.getByLabel("API URL").fill(server.url);
    await form.getByLabel("API key").fill("not-the-key");
    await form.getByRole("button", { name: "Start import" }).click();
    await expect(form.getByText(/FlexPrice refused this key/)).toBeVisible();
    await expect(page.getByRole("list", { name: "Import runs" }).getByRole("listitem").first()).toContainText("failed");

    await page.goto("/admin/plans");
    await expect(page.getByText("Voice Starter").first()).toBeVisible();
  } finally {
    await server.stop();
  }
});
