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
