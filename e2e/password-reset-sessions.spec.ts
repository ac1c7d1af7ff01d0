import { expect, test } from "@playwright/test";
import { ADMIN_STATE, signUpNewOrg } from "./support";

// Issue 20: a password reset signs the person out everywhere. Signed in on one browser, they reset
// the password from another (the link taken from the admin's mailbox, as no SMTP server is set); the
// first browser's session stops working at its next page, and the new password signs in.
test.use({ storageState: { cookies: [], origins: [] } });

test("a password reset ends the sessions signed in before it; the new password signs in", async ({ page, browser }) => {
  test.setTimeout(120_000);
  const { email, orgName } = await signUpNewOrg(page, `Reset Co ${Date.now()}`);

  const other = await browser.newContext();
  const resetPage = await other.newPage();
  await resetPage.goto("/forgot-password");
  await resetPage.getByLabel("Email").fill(email);
  await resetPage.getByRole("button", { name: "Send the link" }).click();
  await expect(resetPage.getByRole("status")).toBeVisible();

  const admin = await browser.newContext({ storageState: ADMIN_STATE });
  const adminPage = await admin.newPage();
  await adminPage.goto("/admin/mail");
  await adminPage
    .getByRole("link", { name: new RegExp(`Reset your Tally password.*To ${email.replace(/[.+]/g, "\\$&")}`) })
    .click();
  const link = adminPage
    .frameLocator('iframe[title^="HTML part"]')
    .getByRole("link", { name: "Choose a new password" });
  const href = (await link.getAttribute("href"))!;
  await admin.close();

  const url = new URL(href);
  await resetPage.goto(url.pathname + url.search);
  await resetPage.getByLabel("New password").fill("another-long-password");
  await resetPage.getByLabel("Repeat it").fill("another-long-password");
  await resetPage.getByRole("button", { name: "Set the new password" }).click();
  await expect(resetPage).toHaveURL(/\/sign-in\?notice=password-reset/);

  // The browser signed in before the reset is signed out at its next page.
  await page.goto("/team");
  await expect(page).toHaveURL(/\/sign-in/);

  await resetPage.getByLabel("Email").fill(email);
  await resetPage.getByLabel("Password").fill("another-long-password");
  await resetPage.getByRole("button", { name: "Sign in" }).click();
  await expect(resetPage.getByRole("heading", { name: orgName })).toBeVisible();
  await other.close();
});
