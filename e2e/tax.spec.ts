import { expect, test, type Browser } from "@playwright/test";
import { pdfText } from "../tests/support/pdf-text";
import { ADMIN_STATE, signUpNewOrg } from "./support";

// Issue 22 (taxes): the operator charges its own rates and adds a 20 % VAT for the customer's
// country; the customer's next invoice shows the subtotal, the VAT line and the total with it.
// Ireland is this journey's own country: no other journey bills an Irish customer.

async function asOperator(browser: Browser, work: (op: import("@playwright/test").Page) => Promise<void>) {
  const admin = await browser.newContext({ storageState: ADMIN_STATE });
  try {
    await work(await admin.newPage());
  } finally {
    await admin.close();
  }
}

test("an operator adds a 20 % rate for a customer's country, and the customer's invoice shows the tax line", async ({
  browser,
  page,
}) => {
  await asOperator(browser, async (op) => {
    await op.goto("/admin/settings");
    const invoicing = op.getByRole("form", { name: "Invoicing settings" });
    await invoicing.getByLabel("Tax", { exact: true }).selectOption("tally_rates");
    await invoicing.getByRole("button", { name: "Save invoicing settings" }).click();
    await expect(invoicing.getByRole("status")).toContainText("Saved.");

    const rateForm = op.locator("form", { has: op.getByRole("button", { name: "Add tax rate" }) });
    // A bad percentage is named beside its field, and nothing is added.
    await rateForm.getByLabel("Country").fill("ie");
    await rateForm.getByLabel("Name").fill("VAT");
    await rateForm.getByLabel("Percent").fill("twenty");
    await rateForm.getByRole("button", { name: "Add tax rate" }).click();
    await expect(rateForm.getByText("must be a decimal number such as 20 or 8.875")).toBeVisible();
    await rateForm.getByLabel("Percent").fill("20");
    await rateForm.getByRole("button", { name: "Add tax rate" }).click();
    await expect(op.getByText("VAT 20 % added for IE.")).toBeVisible();
    const row = op.getByRole("table", { name: "Tax rates" }).getByRole("row", { name: /IE\s+VAT\s+20 %/ });
    await expect(row).toBeVisible();
    await op.setViewportSize({ width: 390, height: 844 });
    expect(await op.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  });

  try {
    await signUpNewOrg(page);
    await page.goto("/billing");
    const details = page.getByRole("form", { name: "Billing details" });
    await details.getByLabel("Billing name").fill("Dublin Widgets Ltd");
    await details.getByLabel("Country (two letters)").fill("IE");
    await details.getByRole("button", { name: "Save billing details" }).click();
    await expect(details.getByRole("status")).toHaveText("Saved. Invoices issued from now on show these details.");

    // Enterprise at $299.00 a month, with 20 % VAT on top: the sandbox charges $358.80.
    await page.getByRole("button", { name: "Choose Enterprise (monthly)" }).click();
    await expect(page).toHaveURL(/\/sandbox\/checkout\/cs_/);
    await page.getByLabel("Card number").fill("4242 4242 4242 4242");
    await page.getByLabel("Expiry").fill("11 / 31");
    await page.getByRole("button", { name: "Pay $358.80" }).click();
    await expect(page).toHaveURL(/\/billing\?checkout=success/);

    const invoiceRow = page.getByRole("table", { name: "Invoices" }).getByRole("row", { name: /TLY-\d{6}/ });
    await invoiceRow.getByRole("link", { name: "View" }).click();
    const taxRows = page.getByTestId("tax-row");
    await expect(taxRows).toHaveText([/Subtotal\s*\$299\.00/, /VAT 20 %\s*\$59\.80/]);
    await expect(page.getByText("$358.80").first()).toBeVisible();
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const pdf = await page.request.get((await page.getByRole("link", { name: "Download PDF" }).getAttribute("href"))!);
    const text = pdfText(new Uint8Array(await pdf.body())).join("\n");
    expect(text).toContain("VAT 20 %");
    expect(text).toContain("$59.80");
  } finally {
    // Leave the installation as the other journeys expect it: no tax.
    await asOperator(browser, async (op) => {
      await op.goto("/admin/settings");
      const invoicing = op.getByRole("form", { name: "Invoicing settings" });
      await invoicing.getByLabel("Tax", { exact: true }).selectOption("none");
      await invoicing.getByRole("button", { name: "Save invoicing settings" }).click();
      await expect(invoicing.getByRole("status")).toContainText("Saved.");
    });
  }
});
