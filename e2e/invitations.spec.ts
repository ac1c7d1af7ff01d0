import { expect, test } from "@playwright/test";
import { ADMIN_STATE, MEMBER_STATE, OWNER_STATE, signUpNewOrg } from "./support";

// Issue 20: an owner invites a member from the Team page; with no SMTP server configured the invitation
// lands in the admin's mailbox (/admin/mail); the invitee follows the link from there, creates an account
// and lands in the organization with a member's view (no invite form, no owner controls).
test("an owner invites a member, who follows the emailed link and joins with the member's view", async ({
  browser,
}) => {
  const email = `invitee-${Date.now()}@acme.example`;

  const owner = await browser.newContext({ storageState: OWNER_STATE });
  const ownerPage = await owner.newPage();
  await ownerPage.goto("/team");
  await ownerPage.getByLabel("Email").fill(email);
  await ownerPage.getByLabel("Role").selectOption("member");
  await ownerPage.getByRole("button", { name: "Send invitation" }).click();
  await expect(ownerPage.getByRole("status")).toContainText(`Invitation sent to ${email}`);
  // Listed as pending, with resend and revoke.
  await expect(ownerPage.getByText(email, { exact: true })).toBeVisible();
  await expect(ownerPage.getByRole("button", { name: `Resend the invitation to ${email}` })).toBeVisible();
  await expect(ownerPage.getByRole("button", { name: `Revoke the invitation to ${email}` })).toBeVisible();
  await owner.close();

  // The admin reads the message in the mailbox and takes the link from its HTML part.
  const admin = await browser.newContext({ storageState: ADMIN_STATE });
  const adminPage = await admin.newPage();
  await adminPage.goto("/admin/mail");
  await adminPage
    .getByRole("link", { name: new RegExp(`invited you to .* on Tally.*To ${email.replace(/[.+]/g, "\\$&")}`) })
    .click();
  await expect(adminPage.getByRole("heading", { level: 2, name: /invited you to/ })).toBeVisible();
  const message = adminPage.frameLocator('iframe[title^="HTML part"]');
  const link = message.getByRole("link", { name: "Accept the invitation" });
  await expect(link).toBeVisible();
  const href = await link.getAttribute("href");
  expect(href).toMatch(/\/invite\?token=ivt_/);
  await admin.close();

  // The invitee, signed out, follows it.
  const invitee = await browser.newContext();
  const page = await invitee.newPage();
  const url = new URL(href!);
  await page.goto(url.pathname + url.search);
  await expect(page.getByRole("heading", { name: /^Join / })).toBeVisible();
  await expect(page.getByText(`with the email ${email}`)).toBeVisible();
  await page.getByLabel("Your name").fill("Ivy Invitee");
  await page.getByLabel("Password").fill("a-long-password");
  await page.getByRole("button", { name: "Create account and join" }).click();
  await expect(page).not.toHaveURL(/\/invite/, { timeout: 30_000 });

  // In the organization, as a member: the team is listed, but nothing to manage.
  await page.goto("/team");
  await expect(page.getByText(email, { exact: true })).toBeVisible();
  await expect(page.getByRole("listitem").filter({ hasText: "(you)" })).toContainText("Ivy Invitee");
  await expect(page.getByRole("button", { name: "Send invitation" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^Make / })).toHaveCount(0);
  await page.goto("/account");
  await expect(page.getByText("Member", { exact: true })).toBeVisible();

  // The link was single-use.
  const again = await browser.newContext();
  const second = await again.newPage();
  await second.goto(url.pathname + url.search);
  await expect(second.getByRole("heading", { name: "This invitation can't be used" })).toBeVisible();
  await again.close();
  await invitee.close();
});

// A user belongs to one organization: the demo member of Acme, invited to another organization, is told
// which one they are in and what to do — no Join button — and stays in Acme.
test("a person already in an organization is told so on the invitation, and stays where they are", async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const founder = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const founderPage = await founder.newPage();
  await signUpNewOrg(founderPage, `Poachers ${Date.now()}`);
  await founderPage.goto("/team");
  await founderPage.getByLabel("Email").fill("member@acme.example");
  await founderPage.getByLabel("Role").selectOption("member");
  await founderPage.getByRole("button", { name: "Send invitation" }).click();
  await expect(founderPage.getByRole("status")).toContainText("Invitation sent to member@acme.example");
  await founder.close();

  const admin = await browser.newContext({ storageState: ADMIN_STATE });
  const adminPage = await admin.newPage();
  await adminPage.goto("/admin/mail");
  await adminPage
    .getByRole("link", { name: /invited you to Poachers .* on Tally.*To member@acme\.example/ })
    .first()
    .click();
  const link = adminPage
    .frameLocator('iframe[title^="HTML part"]')
    .getByRole("link", { name: "Accept the invitation" });
  const href = (await link.getAttribute("href"))!;
  await admin.close();

  const member = await browser.newContext({ storageState: MEMBER_STATE });
  const page = await member.newPage();
  const url = new URL(href);
  await page.goto(url.pathname + url.search);
  const refusal = page.getByRole("alert").filter({ hasText: "You already belong to Acme Corp" });
  await expect(refusal).toContainText("Ask an owner of Acme Corp to remove you first");
  await expect(page.getByRole("button", { name: /^Join / })).toHaveCount(0);
  await page.goto("/team");
  await expect(page.getByRole("heading", { name: "Team", level: 1 })).toBeVisible();
  // Still in Acme: its owner is on the member's team page.
  await expect(page.getByText("owner@acme.example", { exact: true })).toBeVisible();
  await member.close();
});
