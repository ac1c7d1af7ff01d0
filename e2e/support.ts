import { expect, type Page } from "@playwright/test";

export const DEMO_PASSWORD = "tally-demo";
export const OWNER = "owner@acme.example";
export const MEMBER = "member@acme.example";
export const ADMIN = "admin@tally.local";
/** The signed-in state of a demo user on one worker's server (auth.setup.ts signs in on each). */
export const stateFile = (who: "owner" | "admin" | "member", slot = Number(process.env.TEST_PARALLEL_INDEX || "0")) =>
  `e2e/.auth/${who}-${slot}.json`;
export const OWNER_STATE = stateFile("owner");
export const ADMIN_STATE = stateFile("admin");
export const MEMBER_STATE = stateFile("member");

export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  // The first sign-in after a start renders the overview cold: on a busy machine that takes more than 10 s.
  await expect(page).not.toHaveURL(/\/sign-in/, { timeout: 30_000 });
}

/** A brand-new organization and owner, so a journey changes nobody else's data. */
export async function signUpNewOrg(page: Page, orgName = `NewCo ${Date.now()}`) {
  const email = `founder-${Date.now()}-${Math.floor(Math.random() * 1e6)}@newco.example`;
  await page.goto("/sign-up");
  await page.getByLabel("Organization").fill(orgName);
  await page.getByLabel("Your name").fill("Nia Founder");
  await page.getByLabel("Work email").fill(email);
  await page.getByLabel("Password").fill("a-long-password");
  await page.getByRole("button", { name: "Create account" }).click();
  // Sign-up never says whether the email was new (lib/auth/sign-up.ts): it sends everyone to sign in.
  await expect(page.getByRole("status")).toHaveText("If this email can be used, your account is ready — sign in.");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("a-long-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: orgName })).toBeVisible();
  return { email, orgName };
}

/** The signed-in owner subscribes to Enterprise (monthly) through the sandbox checkout, paying $299.00 by card. */
export async function subscribeToEnterprise(page: Page) {
  await page.goto("/billing");
  await page.getByRole("button", { name: "Choose Enterprise (monthly)" }).click();
  await expect(page).toHaveURL(/\/sandbox\/checkout\/cs_/);
  await page.getByLabel("Card number").fill("4242 4242 4242 4242");
  await page.getByLabel("Expiry").fill("11 / 31");
  await page.getByRole("button", { name: "Pay $299.00" }).click();
  await expect(page).toHaveURL(/\/billing\?checkout=success/);
}
