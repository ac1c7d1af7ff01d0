import { expect, test, type Page } from "@playwright/test";
import { ADMIN_STATE, OWNER_STATE, signUpNewOrg } from "./support";

// Issue 19: a person is never lost after an action. A confirmation opens where they are and takes
// focus; a destructive action says what will happen before it happens; the outcome is shown and
// focused; and what the page shows afterwards agrees with what happened.

/** A new organization on the Starter trial, so a journey changes nobody else's data. */
async function newStarterOrg(page: Page) {
  await signUpNewOrg(page);
  await page.goto("/billing");
  await page.getByRole("button", { name: "Choose Starter (monthly)" }).click();
  await page.getByRole("button", { name: "Start trial" }).click();
  await expect(page).toHaveURL(/\/billing\?checkout=success/);
}

/** React reports hydration mismatches (minified: error #418) and other failures on the console. */
function consoleErrors(page: Page) {
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  return errors;
}

test("the plan-change confirmation opens in view with focus; cancel and resume say what happens to a scheduled downgrade", async ({
  page,
}) => {
  await newStarterOrg(page);

  // Scrolled to the bottom of the picker, the confirmation still opens in view, and takes focus.
  const enterprise = page.getByRole("button", { name: "Switch to Enterprise (monthly)" });
  await enterprise.scrollIntoViewIfNeeded();
  await enterprise.click();
  const confirm = page.getByRole("dialog", { name: "Confirm plan change" });
  await expect(confirm).toBeInViewport();
  await expect(confirm.getByRole("button", { name: "Confirm" })).toBeFocused();
  // Escape declines, and focus returns to the button that asked.
  await page.keyboard.press("Escape");
  await expect(confirm).toBeHidden();
  await expect(enterprise).toBeFocused();
  // With the keyboard alone: open, confirm, and hear the outcome.
  await page.keyboard.press("Enter");
  await expect(confirm.getByRole("button", { name: "Confirm" })).toBeFocused();
  await page.keyboard.press("Enter");
  const upgraded = page.getByRole("status").filter({ hasText: "You are now on Enterprise." });
  await expect(upgraded).toBeFocused();
  await expect(upgraded).toBeInViewport();

  // Schedule a downgrade.
  await page.getByRole("button", { name: "Switch to Professional (monthly)" }).click();
  await page.getByRole("dialog", { name: "Confirm plan change" }).getByRole("button", { name: "Confirm" }).click();
  await expect(page.getByTestId("pending-change")).toHaveText(/^Changes to Professional on /);
  await expect(page.getByText(/^Professional \(monthly\), .+ – /).first()).toBeVisible();

  // Cancelling asks first, says the downgrade will not happen, and focus returns when kept.
  const cancelButton = page.getByRole("button", { name: "Cancel at period end" });
  await cancelButton.click();
  const ask = page.getByRole("dialog", { name: "Cancel your subscription?" });
  await expect(ask).toBeInViewport();
  await expect(ask).toContainText("The scheduled switch to Professional will not happen.");
  await expect(ask.getByRole("button", { name: "Keep my subscription" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(ask).toBeHidden();
  await expect(cancelButton).toBeFocused();
  await expect(page.getByText(/^Cancels /)).toHaveCount(0);

  await cancelButton.click();
  await ask.getByRole("button", { name: "Cancel at period end" }).click();
  const canceled = page.getByRole("status").filter({ hasText: /^Your subscription ends on / });
  await expect(canceled).toContainText("The switch to Professional will not happen.");
  await expect(canceled).toBeFocused();
  // One state: the subscription ends, and the scheduled downgrade is shown as not happening.
  await expect(page.getByText(/^Cancels /)).toBeVisible();
  await expect(page.getByTestId("pending-change")).toHaveText(/^The scheduled switch to Professional will not happen/);
  // The upcoming invoice agrees at once: no next period's fee for a subscription that ends.
  await expect(page.getByText(/^(Enterprise|Professional) \(monthly\), .+ – /)).toHaveCount(0);
  await expect(page.getByText(/^Changes to Professional on/)).toHaveCount(0);

  // Resuming brings the downgrade back, and says so.
  await page.getByRole("button", { name: "Resume subscription" }).click();
  const resumed = page.getByRole("status").filter({ hasText: /^Your subscription continues\./ });
  await expect(resumed).toContainText(/Professional starts on .+, as scheduled\./);
  await expect(resumed).toBeFocused();
  await expect(page.getByText(/^Cancels /)).toHaveCount(0);
  await expect(page.getByTestId("pending-change")).toHaveText(/^Changes to Professional on /);
  await page.reload();
  await expect(page.getByTestId("pending-change")).toHaveText(/^Changes to Professional on /);
});

test("removing a card asks first and says what it means for renewals", async ({ page }) => {
  await newStarterOrg(page);
  await page.goto("/sandbox/portal");
  const remove = page.getByRole("button", { name: "Remove card ending 4242" });
  await remove.click();
  const ask = page.getByRole("dialog", { name: "Remove the card ending 4242?" });
  await expect(ask).toContainText("It is your default card");
  await expect(ask.getByRole("button", { name: "Keep the card" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(ask).toBeHidden();
  await expect(remove).toBeFocused();
  await remove.click();
  await ask.getByRole("button", { name: "Remove card" }).click();
  await expect(page.getByText("No card on file yet.")).toBeVisible();
});

test("revoking a key asks first, and the new-key banner goes once that key is revoked", async ({ page }) => {
  await signUpNewOrg(page);
  await page.goto("/api-keys");
  await page.getByLabel("Name").fill("Short-lived");
  await page.getByRole("button", { name: "Create key" }).click();
  await expect(page.getByTestId("new-api-key")).toBeVisible();

  const revoke = page.getByRole("button", { name: "Revoke Short-lived" });
  await revoke.click();
  const ask = page.getByRole("dialog", { name: "Revoke “Short-lived”?" });
  await expect(ask).toContainText("refused at once");
  await expect(ask.getByRole("button", { name: "Keep the key" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(revoke).toBeFocused();
  await expect(page.getByRole("row", { name: /Short-lived/ })).toContainText("active");

  await revoke.click();
  await ask.getByRole("button", { name: "Revoke key" }).click();
  const done = page.getByRole("status").filter({ hasText: "Key “Short-lived” revoked" });
  await expect(done).toBeVisible();
  await expect(page.getByRole("row", { name: /Short-lived/ })).toContainText("revoked");
  await expect(page.getByTestId("new-api-key")).toHaveCount(0);
});

test("the usage page hydrates without errors and lists the meters of the plan, not the installation's", async ({
  page,
}) => {
  await newStarterOrg(page);
  const errors = consoleErrors(page);
  await page.goto("/usage");
  await expect(page.getByTestId("meter-usage")).toBeVisible();
  const meters = await page
    .getByTestId("meter-usage")
    .locator("tr[data-meter]")
    .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-meter")));
  // Starter prices API calls (a limit) and LLM tokens; voice, storage and active users are not on it.
  expect(meters).toContain("api_calls");
  expect(meters).not.toContain("voice_minutes");
  expect(meters).not.toContain("storage_gb");
  await expect(
    page.getByRole("combobox", { name: /meter/i }).getByRole("option", { name: "Voice minutes" }),
  ).toHaveCount(0);
  expect(errors.filter((e) => /418|hydrat/i.test(e))).toEqual([]);
});

test.describe("a customer with usage", () => {
  test.use({ storageState: OWNER_STATE });

  test("loads the usage page without a hydration error", async ({ page }) => {
    const errors = consoleErrors(page);
    await page.goto("/usage");
    // The chart's "Updated …" time is the browser's own: it appears once hydration is done.
    await expect(page.getByText(/^Updated \d/)).toBeVisible();
    expect(errors.filter((e) => /418|hydrat/i.test(e))).toEqual([]);
    expect(errors).toEqual([]);
  });
});

test.describe("admin", () => {
  test.use({ storageState: ADMIN_STATE });

  test("taking a plan off sale asks first and says who is affected", async ({ page }) => {
    await page.goto("/admin/plans");
    await page
      .getByRole("link", { name: /Starter/ })
      .first()
      .click();
    const takeOff = page.getByRole("button", { name: "Take off sale" });
    await takeOff.click();
    const ask = page.getByRole("dialog", { name: /^Take Starter.* off sale\?$/ });
    await expect(ask).toContainText("Customers already on it keep it");
    await expect(ask.getByRole("button", { name: "Keep on sale" })).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(ask).toBeHidden();
    await expect(takeOff).toBeFocused();
  });

  test("the credits headline follows a grant at once, without a reload", async ({ page }) => {
    await page.goto("/admin/credits");
    await page.getByRole("link", { name: "Globex" }).click();
    const balance = page.getByTestId("credit-balance");
    const before = Number(((await balance.textContent()) ?? "0").replace(/[^\d-]/g, ""));
    const grant = page.getByRole("form", { name: "Grant credits" });
    await grant.getByLabel("Credits").fill("250");
    await grant.getByLabel("Reason").fill(`e2e headline ${Date.now()}`);
    await grant.getByRole("button", { name: "Grant credits" }).click();
    await expect(grant.getByRole("status")).toHaveText("Granted 250 credits.");
    await expect(balance).toHaveText((before + 250).toLocaleString("en-US"));
  });
});
