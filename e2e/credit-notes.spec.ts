import { expect, test } from "@playwright/test";
import { pdfText } from "../tests/support/pdf-text";
import { ADMIN_STATE, signUpNewOrg, subscribeToEnterprise } from "./support";

// Issue 22 part 3: an operator issues a credit note for part of a paid invoice on the customer's
// admin page; the customer sees it on the billing page, with its PDF.
test("an operator issues a credit note for part of a paid invoice, and the customer sees it with its PDF", async ({
  browser,
  page,
}, testInfo) => {
  const { orgName } = await signUpNewOrg(page);
  await subscribeToEnterprise(page);
  const invoiceNumber = (await page
    .getByRole("table", { name: "Invoices" })
    .getByRole("row", { name: /TLY-\d{6}/ })
    .locator("td")
    .first()
    .innerText())!.match(/TLY-\d{6}/)![0];

  const admin = await browser.newContext({ storageState: ADMIN_STATE });
  const op = await admin.newPage();
  await op.goto(`/admin?q=${encodeURIComponent(orgName)}`);
  await op.getByRole("link", { name: orgName }).first().click();
  await expect(op.getByRole("heading", { name: orgName })).toBeVisible();
  await expect(op.getByText("No credit notes")).toBeVisible();
  await op.locator("summary", { hasText: "Issue credit note" }).click();
  const form = op.locator("form", { has: op.getByRole("button", { name: "Issue credit note" }) });
  // An amount with too many decimals is refused beside its field; nothing is issued.
  await form.getByLabel("Credit").selectOption({ label: `${invoiceNumber} · an amount of the invoice` });
  await form.getByLabel("Amount").fill("10.005");
  await form.getByLabel("Reason").fill("Outage on the 3rd");
  await form.getByRole("button", { name: "Issue credit note" }).click();
  await expect(form.getByText(/more than 2 decimal places/)).toBeVisible();
  await form.getByLabel("Amount").fill("50");
  await form.getByLabel("Money goes").selectOption({ label: "Off the next invoice" });
  await form.getByRole("button", { name: "Issue credit note" }).click();
  await expect(op.getByText(/Credit note CN-\d{6} issued for \$50\.00\./)).toBeVisible();
  const row = op.getByRole("table", { name: "Credit notes" }).getByRole("row", { name: /CN-\d{6}/ });
  await expect(row).toContainText(invoiceNumber);
  await expect(row).toContainText("$50.00");
  await expect(row).toContainText("Off the next invoice");

  // A second note, issued by mistake, is voided with a reason: marked void, its reason kept.
  await form.getByLabel("Credit").selectOption({ label: `${invoiceNumber} · an amount of the invoice` });
  await form.getByLabel("Amount").fill("10");
  await form.getByLabel("Money goes").selectOption({ label: "Off the next invoice" });
  await form.getByLabel("Reason").fill("Typed twice");
  await form.getByRole("button", { name: "Issue credit note" }).click();
  await expect(op.getByText(/Credit note CN-\d{6} issued for \$10\.00\./)).toBeVisible();
  await op.locator("summary", { hasText: "Void a credit note" }).click();
  const voidForm = op.locator("form", { has: op.getByRole("button", { name: "Void credit note" }) });
  const mistake = voidForm.getByLabel("Credit note").locator("option", { hasText: "$10.00" });
  await voidForm.getByLabel("Credit note").selectOption((await mistake.getAttribute("value"))!);
  await voidForm.getByLabel("Reason").fill("Issued twice by mistake");
  await voidForm.getByRole("button", { name: "Void credit note" }).click();
  await expect(op.getByText(/Credit note CN-\d{6} is void: its amount can be credited again\./)).toBeVisible();
  const voided = op.getByRole("table", { name: "Credit notes" }).getByRole("row", { name: /Typed twice/ });
  await expect(voided).toContainText("Void");
  await expect(voided).toContainText("Voided: Issued twice by mistake");
  await voided.scrollIntoViewIfNeeded();
  await op.screenshot({ path: testInfo.outputPath("credit-note-voided.png") });
  await admin.close();

  await page.goto("/billing");
  const mine = page.getByRole("table", { name: "Credit notes" }).getByRole("row", { name: /Outage on the 3rd/ });
  await expect(mine).toContainText("Outage on the 3rd");
  await expect(mine).toContainText("$50.00");
  const href = (await mine.getByRole("link", { name: "PDF" }).getAttribute("href"))!;
  const pdf = await page.request.get(href);
  expect(pdf.headers()["content-type"]).toBe("application/pdf");
  const text = pdfText(new Uint8Array(await pdf.body())).join("\n");
  expect(text).toContain("TEST CREDIT NOTE");
  expect(text).toContain(`Credits invoice ${invoiceNumber}`);
  expect(text).toContain("Reason: Outage on the 3rd");
  expect(text).toContain("$50.00");
  // The billing page still fits a phone with the new table.
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});

test("an operator voids an open invoice with a reason, and the customer sees it void, its PDF saying so", async ({
  browser,
  page,
}) => {
  const { orgName } = await signUpNewOrg(page);
  const admin = await browser.newContext({ storageState: ADMIN_STATE });
  const op = await admin.newPage();
  await op.goto(`/admin?q=${encodeURIComponent(orgName)}`);
  await op.getByRole("link", { name: orgName }).first().click();
  await expect(op.getByRole("heading", { name: orgName })).toBeVisible();
  const orgId = new URL(op.url()).pathname.split("/").at(-1)!;
  // An invoiced customer: subscribed by the operator, its first invoice open until paid.
  const subscribed = await op.request.post("/api/v1/subscriptions", {
    headers: { origin: new URL(op.url()).origin },
    data: { customer_id: orgId, plan: "starter-monthly", skip_trial: true },
  });
  expect(subscribed.status()).toBe(201);
  await op.reload();
  const form = op.locator("form", { has: op.getByRole("button", { name: "Void invoice" }) });
  const option = (await form.getByLabel("Invoice").locator("option").first().innerText()).trim();
  const invoiceNumber = option.match(/TLY-\d{6}/)![0];
  expect(option).toContain("$29.00 due");
  // A reason is required: nothing is voided without one.
  await form.getByRole("button", { name: "Void invoice" }).click();
  await expect(form.getByLabel("Reason")).toBeFocused();
  await form.getByLabel("Reason").fill("Issued by mistake");
  await form.getByRole("button", { name: "Void invoice" }).click();
  await expect(op.getByText(`Invoice ${invoiceNumber} is void.`)).toBeVisible();
  await admin.close();

  await page.goto("/billing");
  const row = page.getByRole("table", { name: "Invoices" }).getByRole("row", { name: new RegExp(invoiceNumber) });
  await expect(row).toContainText("void");
  const href = (await row.getByRole("link", { name: "PDF" }).getAttribute("href"))!;
  const pdf = await page.request.get(href);
  expect(pdf.headers()["content-type"]).toBe("application/pdf");
  const text = pdfText(new Uint8Array(await pdf.body())).join("\n");
  expect(text).toContain(invoiceNumber);
  expect(text).toContain("VOID");
});
