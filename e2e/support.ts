import { expect, type Page } from "@playwright/test";

export const DEMO_PASSWORD = "tally-demo";
export const OWNER = "owner@acme.example";
export const MEMBER = "member@acme.example";
export const ADMIN = "admin@tally.local";
export const OWNER_STATE = "e2e/.auth/owner.json";
export const ADMIN_STATE = "e2e/.auth/admin.json";

export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).not.toHaveURL(/\/sign-in/);
}
