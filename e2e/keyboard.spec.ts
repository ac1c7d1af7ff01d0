import { expect, test, type Locator, type Page } from "@playwright/test";

// Issue 19: a person does each main journey with the keyboard alone (Tab, Shift+Tab, Enter, Space,
// Escape; no click), and focus lands on what changed: the dialog's answer, the result, the error.
// Navigating by URL stands for following a link; every control is reached by Tab.

/** Presses Tab (or Shift+Tab) until the target has focus, as a person walks the page. */
async function tabTo(page: Page, target: Locator, { back = false } = {}) {
  await expect(target).toBeVisible();
  for (let i = 0; i < 80; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press(back ? "Shift+Tab" : "Tab");
  }
  throw new Error(`Tab never reached ${target}`);
}

/** Tabs to a field, replaces its text by typing, as a person would. */
async function typeInto(page: Page, field: Locator, text: string) {
  await tabTo(page, field);
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.type(text);
}

test("a new customer signs up, picks and upgrades a plan, buys credits and manages an API key with the keyboard alone", async ({
  page,
}) => {
  test.setTimeout(120_000);
  const org = `Keys ${Date.now()}`;
  const email = `keyboard-${Date.now()}@newco.example`;

  await test.step("sign up, then sign in after a wrong password", async () => {
    await page.goto("/sign-up");
    await typeInto(page, page.getByLabel("Organization"), org);
    await typeInto(page, page.getByLabel("Your name"), "Kai Keyboard");
    await typeInto(page, page.getByLabel("Work email"), email);
    await typeInto(page, page.getByLabel("Password"), "a-long-password");
    await page.keyboard.press("Enter");
    await expect(page.getByRole("status")).toHaveText("If this email can be used, your account is ready — sign in.");

    await typeInto(page, page.getByLabel("Email"), email);
    await typeInto(page, page.getByLabel("Password"), "not-the-password");
    await page.keyboard.press("Enter");
    // The refusal takes focus, so it is read out where the person is.
    await expect(page.getByRole("alert").filter({ hasText: "Invalid email or password." })).toBeFocused();
    await typeInto(page, page.getByLabel("Password"), "a-long-password");
    await page.keyboard.press("Enter");
    await expect(page.getByRole("heading", { name: org })).toBeVisible({ timeout: 30_000 });
  });

  await test.step("start a trial of Starter in the sandbox checkout", async () => {
    await page.goto("/billing");
    await tabTo(page, page.getByRole("button", { name: "Choose Starter (monthly)" }));
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/\/sandbox\/checkout\//);
    await tabTo(page, page.getByRole("button", { name: "Start trial" }));
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/\/billing\?checkout=success/);
    await expect(page.getByRole("status").filter({ hasText: "Payment received" })).toBeFocused();
  });

  await test.step("upgrade to Enterprise: the confirmation takes focus, Escape keeps the plan, Enter confirms", async () => {
    const upgrade = page.getByRole("button", { name: "Switch to Enterprise (monthly)" });
    await tabTo(page, upgrade);
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Confirm plan change" });
    await expect(dialog).toBeInViewport();
    await expect(dialog.getByRole("button", { name: "Confirm" })).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
    await expect(upgrade).toBeFocused();

    await page.keyboard.press("Space");
    await expect(dialog.getByRole("button", { name: "Confirm" })).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(page.getByRole("status").filter({ hasText: "You are now on Enterprise." })).toBeFocused();
  });

  await test.step("buy a credit pack: a declined card's error takes focus, then the payment goes through", async () => {
    await page.goto("/credits");
    await tabTo(page, page.getByTestId("pack-credits-1k").getByRole("button", { name: "Buy for $10.00" }));
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/\/sandbox\/checkout\//);
    await typeInto(page, page.getByLabel("Card number"), "4000 0000 0000 0002");
    await page.keyboard.press("Enter");
    await expect(page.getByRole("alert").filter({ hasText: "Your card was declined." })).toBeFocused();
    await typeInto(page, page.getByLabel("Card number"), "4242 4242 4242 4242");
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/\/credits\?purchase=success/);
    await expect(page.getByRole("status").filter({ hasText: "Payment received" })).toBeFocused();
  });

  await test.step("create an API key, then revoke it after a change of mind", async () => {
    await page.goto("/api-keys");
    await typeInto(page, page.getByLabel("Name"), "Keyboard ingest");
    await page.keyboard.press("Enter");
    const created = page.getByRole("status").filter({ hasText: "Key “Keyboard ingest” created" });
    await expect(created).toBeFocused();
    await expect(page.getByTestId("new-api-key")).toHaveText(/\S{20,}/);

    const revoke = page.getByRole("button", { name: "Revoke Keyboard ingest" });
    await tabTo(page, revoke);
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Revoke “Keyboard ingest”?" });
    // The safe answer has focus first: Enter alone does not destroy the key.
    await expect(dialog.getByRole("button", { name: "Keep the key" })).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
    await expect(revoke).toBeFocused();

    await page.keyboard.press("Space");
    await tabTo(page, dialog.getByRole("button", { name: "Revoke key" }));
    await page.keyboard.press("Enter");
    const outcome = page.getByText("Key “Keyboard ingest” revoked");
    await expect(outcome).toBeVisible();
    await expect(page.locator(":focus")).toContainText("Key “Keyboard ingest” revoked");
    await expect(page.getByRole("row", { name: /Keyboard ingest/ })).toContainText("revoked");
  });
});
