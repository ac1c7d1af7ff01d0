import { expect, test } from "@playwright/test";
import { signIn, signUpNewOrg } from "./support";

test("a new customer subscribes through the local sandbox, survives a declined card, and sees the active plan and its invoice", async ({
  page,
}) => {
  await signUpNewOrg(page);
  await expect(page.getByText("No subscription yet")).toBeVisible();

  await page.getByRole("link", { name: "Choose a plan" }).click();
  await expect(page).toHaveURL(/\/billing$/);
  await page.getByRole("button", { name: "Choose Enterprise (monthly)" }).click();
  await expect(page).toHaveURL(/\/sandbox\/checkout\/cs_/);
  await expect(page.getByText("Enterprise — monthly")).toBeVisible();
  await expect(page.getByTestId("test-payment")).toContainText("This is a test payment");

  await page.getByLabel("Card number").fill("4000 0000 0000 0002");
  await page.getByRole("button", { name: "Pay $299.00" }).click();
  await expect(page.getByText("Your card was declined.")).toBeVisible();

  await page.getByLabel("Card number").fill("4242 4242 4242 4242");
  await page.getByLabel("Expiry").fill("11 / 31");
  await page.getByRole("button", { name: "Pay $299.00" }).click();
  await expect(page).toHaveURL(/\/billing\?checkout=success/);
  await expect(page.getByText("Payment received.")).toBeVisible();
  // The card is kept as typed and written as printed on it, its brand one way everywhere.
  await expect(page.getByText("Visa •••• 4242").first()).toBeVisible();
  await expect(page.getByText("expires 11/31")).toBeVisible();
  await expect(page.getByRole("table", { name: "Payments" })).not.toContainText("visa ••••");
  await expect(page.getByText("Enterprise", { exact: true }).first()).toBeVisible();
  await expect(page.getByText("active", { exact: true }).first()).toBeVisible();

  const invoiceRow = page.getByRole("table", { name: "Invoices" }).getByRole("row", { name: /TLY-\d{6}/ });
  await expect(invoiceRow).toHaveCount(1);
  await expect(invoiceRow).toContainText("$299.00");
  await expect(invoiceRow).toContainText("paid");
  await expect(
    page.getByRole("table", { name: "Payments" }).getByRole("row", { name: /Your card was declined/ }),
  ).toBeVisible();
  // Sandbox money is test money, and says so.
  await expect(invoiceRow).toContainText("Test");
  await expect(page.getByRole("table", { name: "Payments" }).getByRole("row", { name: /succeeded/ })).toContainText(
    "Test",
  );

  await invoiceRow.getByRole("link", { name: "View" }).click();
  await expect(page.getByRole("heading", { name: /Invoice TLY-\d{6}/ })).toBeVisible();
  const pdf = await page.request.get((await page.getByRole("link", { name: "Download PDF" }).getAttribute("href"))!);
  expect(pdf.headers()["content-type"]).toBe("application/pdf");
});

test("an owner previews and confirms an upgrade, and schedules a downgrade", async ({ page }) => {
  await signUpNewOrg(page);
  await page.goto("/billing");
  await page.getByRole("button", { name: "Choose Starter (monthly)" }).click();
  await page.getByRole("button", { name: "Start trial" }).click();
  await expect(page).toHaveURL(/\/billing\?checkout=success/);
  await expect(page.getByText("trialing", { exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Switch to Enterprise (monthly)" }).click();
  const dialog = page.getByRole("dialog", { name: "Confirm plan change" });
  await expect(dialog).toContainText("Switch to Enterprise now");
  await expect(dialog.getByTestId("proration-amount")).toHaveText(/^\$\d+\.\d{2}$/);
  await dialog.getByRole("button", { name: "Confirm" }).click();
  await expect(page.getByRole("status").filter({ hasText: "You are now on Enterprise." })).toBeVisible();

  await page.getByRole("button", { name: "Switch to Professional (monthly)" }).click();
  await expect(page.getByRole("dialog", { name: "Confirm plan change" })).toContainText(
    "when your current period ends",
  );
  await page.getByRole("dialog", { name: "Confirm plan change" }).getByRole("button", { name: "Confirm" }).click();
  await expect(
    page.getByRole("status").filter({ hasText: "Professional starts when your current period ends." }),
  ).toBeVisible();
  await page.reload();
  await expect(page.getByText(/Changes to Professional on/)).toBeVisible();
});

test("an owner buys a credit pack in the sandbox and finds the credits in the purchased bucket", async ({ page }) => {
  await signIn(page, "owner@globex.example");
  await page.goto("/credits");
  const before = Number(((await page.getByTestId("credit-balance").textContent()) ?? "0").replace(/[^\d-]/g, ""));
  await page.getByTestId("pack-credits-1k").getByRole("button", { name: "Buy for $10.00" }).click();
  await expect(page).toHaveURL(/\/sandbox\/checkout\/cs_/);
  await expect(page.getByText("1,000 credits that never expire")).toBeVisible();
  await page.getByRole("button", { name: "Pay $10.00" }).click();
  await expect(page).toHaveURL(/\/credits\?purchase=success/);
  await expect(page.getByText("Payment received: your credits are in the purchased bucket below.")).toBeVisible();
  await expect(page.getByTestId("credit-balance")).toHaveText((before + 1000).toLocaleString("en-US"));
  await expect(page.locator('tr[data-source="purchased"]').first().getByTestId("bucket-remaining")).toHaveText("1,000");
});
