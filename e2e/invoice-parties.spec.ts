import { expect, test } from "@playwright/test";
import { pdfText } from "../tests/support/pdf-text";
import { signUpNewOrg } from "./support";

// Issue 22: a customer's owner sets the billing details its invoices are made out to; a bad tax id is
// named beside its row; the next invoice's PDF names the buyer with them.
test("an owner sets billing details with a tax id, and the next invoice's PDF is made out to them", async ({
  page,
}) => {
  await signUpNewOrg(page);
  await page.goto("/billing");
  const details = page.getByRole("form", { name: "Billing details" });
  await details.getByLabel("Billing name").fill("NewCo Industries GmbH");
  await details.getByLabel("Address line 1").fill("Hauptstr. 1");
  await details.getByLabel("Postal code").fill("10115");
  await details.getByLabel("City").fill("Berlin");
  await details.getByLabel("Country (two letters)").fill("de");
  await details.getByLabel("Kind of tax id 1").selectOption("eu_vat");
  await details.getByLabel("Tax id 1", { exact: true }).fill("DE12345");
  await details.getByRole("button", { name: "Save billing details" }).click();
  await expect(details.getByText("This tax id is not a DE VAT number's format.")).toBeVisible();
  await expect(details.getByLabel("Billing name")).toHaveValue("NewCo Industries GmbH");

  await details.getByLabel("Tax id 1", { exact: true }).fill("de 123 456 789");
  await details.getByRole("button", { name: "Save billing details" }).click();
  await expect(details.getByRole("status")).toHaveText("Saved. Invoices issued from now on show these details.");
  await page.reload();
  await expect(details.getByLabel("Tax id 1", { exact: true })).toHaveValue("DE123456789");
  await expect(details.getByLabel("Country (two letters)")).toHaveValue("DE");

  await page.getByRole("button", { name: "Choose Enterprise (monthly)" }).click();
  await expect(page).toHaveURL(/\/sandbox\/checkout\/cs_/);
  await page.getByLabel("Card number").fill("4242 4242 4242 4242");
  await page.getByLabel("Expiry").fill("11 / 31");
  await page.getByRole("button", { name: "Pay $299.00" }).click();
  await expect(page).toHaveURL(/\/billing\?checkout=success/);

  const invoiceRow = page.getByRole("table", { name: "Invoices" }).getByRole("row", { name: /TLY-\d{6}/ });
  await invoiceRow.getByRole("link", { name: "View" }).click();
  // The invoice's page names the buyer as the invoice kept it, and fits a phone.
  await expect(page.getByText("NewCo Industries GmbH")).toBeVisible();
  await expect(page.getByText("EU VAT DE123456789")).toBeVisible();
  await expect(page.getByText("10115 Berlin", { exact: true })).toBeVisible();
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  const pdf = await page.request.get((await page.getByRole("link", { name: "Download PDF" }).getAttribute("href"))!);
  const text = pdfText(new Uint8Array(await pdf.body())).join("\n");
  expect(text).toContain("Bill to");
  expect(text).toContain("NewCo Industries GmbH");
  expect(text).toContain("10115 Berlin");
  expect(text).toContain("EU VAT DE123456789");
});
