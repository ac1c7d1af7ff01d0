import { expect, test } from "@playwright/test";
import { ADMIN_STATE, signUpNewOrg } from "./support";

test("an operator creates a coupon and a promotion code; a new customer redeems the code at the sandbox checkout and sees the discounted price and the discount on the billing page", async ({
  browser,
  page,
}) => {
  const code = `E2E${Date.now().toString(36).toUpperCase()}`;
  const admin = await browser.newContext({ storageState: ADMIN_STATE });
  const op = await admin.newPage();
  await op.goto("/admin/coupons");
  await expect(op.getByRole("heading", { name: "Coupons", level: 1 })).toBeVisible();
  const couponForm = op.locator("form", { has: op.getByRole("button", { name: "Create coupon" }) });
  await couponForm.getByLabel("Code").fill(`${code}-C`);
  await couponForm.getByLabel("Name").fill("End-to-end 20 % for 3 months");
  await couponForm.getByLabel("Percent off").fill("20");
  await couponForm.getByLabel("Duration").selectOption("repeating");
  await couponForm.getByLabel("Months").fill("3");
  await couponForm.getByRole("button", { name: "Create coupon" }).click();
  await expect(op.getByText(`Coupon ${code}-C created.`)).toBeVisible();

  const promoForm = op.locator("form", { has: op.getByRole("button", { name: "Create promotion code" }) });
  await promoForm.getByLabel("Coupon").selectOption({ label: `${code}-C — 20 % off the plan for 3 months` });
  await promoForm.getByLabel("Code").fill(code);
  await promoForm.getByRole("button", { name: "Create promotion code" }).click();
  await expect(op.getByText(`Promotion code ${code} created.`)).toBeVisible();
  await admin.close();

  await signUpNewOrg(page);
  await page.getByRole("link", { name: "Choose a plan" }).click();
  await expect(page).toHaveURL(/\/billing$/);
  // A wrong code is refused with a message, and nothing starts.
  await page.getByLabel("Promotion code").fill("NOT-A-CODE");
  await page.getByRole("button", { name: "Choose Enterprise (monthly)" }).click();
  await expect(page.getByText(/promotion_code: is not a valid code|not a valid code/)).toBeVisible();
  await page.getByLabel("Promotion code").fill(code.toLowerCase());
  await page.getByRole("button", { name: "Choose Enterprise (monthly)" }).click();
  await expect(page).toHaveURL(/\/sandbox\/checkout\/cs_/);
  // $299.00 less 20 %.
  await page.getByLabel("Card number").fill("4242 4242 4242 4242");
  await page.getByLabel("Expiry").fill("11 / 31");
  await page.getByRole("button", { name: "Pay $239.20" }).click();
  await expect(page).toHaveURL(/\/billing\?checkout=success/);
  await expect(page.getByTestId("active-discount")).toContainText(code);
  await expect(page.getByTestId("active-discount")).toContainText("20 % off the plan for 3 months");
  await expect(page.getByTestId("active-discount")).toContainText(/ends \d{1,2} \w{3} \d{4}|ends \w{3} \d{1,2}, \d{4}/);
  const invoiceRow = page.getByRole("table", { name: "Invoices" }).getByRole("row", { name: /TLY-\d{6}/ });
  await expect(invoiceRow).toContainText("$239.20");
});

test("an operator creates promotion codes in a row (a chosen option stays chosen after a submit) and deactivates one", async ({
  browser,
}) => {
  const code = `E2F${Date.now().toString(36).toUpperCase()}`;
  const admin = await browser.newContext({ storageState: ADMIN_STATE });
  const op = await admin.newPage();
  await op.goto("/admin/coupons");
  const couponForm = op.locator("form", { has: op.getByRole("button", { name: "Create coupon" }) });
  await couponForm.getByLabel("Code").fill(`${code}-C`);
  await couponForm.getByLabel("Name").fill("Row of codes");
  await couponForm.getByLabel("Percent off").fill("10");
  await couponForm.getByRole("button", { name: "Create coupon" }).click();
  await expect(op.getByText(`Coupon ${code}-C created.`)).toBeVisible();

  const promoForm = op.locator("form", { has: op.getByRole("button", { name: "Create promotion code" }) });
  await promoForm.getByLabel("Coupon").selectOption({ label: `${code}-C — 10 % off the plan for one period` });
  await promoForm.getByLabel("Who").selectOption({ label: "first-time customers only" });
  await promoForm.getByLabel("Code").fill(`${code}1`);
  await promoForm.getByRole("button", { name: "Create promotion code" }).click();
  await expect(op.getByText(`Promotion code ${code}1 created.`)).toBeVisible();
  // The form was reset after the action; its selects kept what was chosen, so the next code is alike.
  await expect(promoForm.getByLabel("Who")).toHaveValue("true");
  await promoForm.getByLabel("Code").fill(`${code}2`);
  await promoForm.getByRole("button", { name: "Create promotion code" }).click();
  await expect(op.getByText(`Promotion code ${code}2 created.`)).toBeVisible();
  const second = op.getByRole("row", { name: new RegExp(`${code}2`) });
  await expect(second).toContainText("first-time customers");
  await expect(second).toContainText("Row of codes");

  await second.getByRole("button", { name: `Deactivate promotion code ${code}2` }).click();
  await op.getByRole("dialog").getByRole("button", { name: "Deactivate" }).click();
  await expect(op.getByText(`Promotion code ${code}2 deactivated.`)).toBeVisible();
  await expect(op.getByRole("row", { name: new RegExp(`${code}2`) })).toContainText("Inactive");
  await expect(op.getByRole("row", { name: new RegExp(`${code}1`) })).toContainText("Active");
  await admin.close();
});
