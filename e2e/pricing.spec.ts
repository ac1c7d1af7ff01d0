import { expect, test } from "@playwright/test";

// Issue 21, part 5: the public pricing page, signed out.
test.describe("public pricing page", () => {
  test("a visitor switches to yearly, compares features, and the plan's button leads to sign-up and on to billing", async ({
    page,
  }) => {
    await page.goto("/pricing");
    await expect(page.getByRole("heading", { name: "Pricing", level: 1 })).toBeVisible();
    const monthly = page.getByRole("radio", { name: "Monthly" });
    await expect(monthly).toHaveAttribute("aria-checked", "true");
    const starter = page.getByRole("region", { name: "Starter", exact: true });
    await expect(starter).toContainText("$29.00 / month");

    await page.getByRole("radio", { name: "Yearly" }).click();
    await expect(page.getByRole("radio", { name: "Yearly" })).toHaveAttribute("aria-checked", "true");
    await expect(starter).toContainText("$290.00 / year");

    const table = page.getByTestId("feature-table");
    await expect(table.getByRole("columnheader", { name: "Enterprise" })).toBeVisible();
    const sso = table.getByRole("row", { name: /SSO \(SAML\)/ });
    // Only the top plan has SSO: Free, Starter and Professional show a dash, Enterprise "Included".
    await expect(sso.getByRole("cell")).toHaveText(["—", "—", "—", "Included"]);
    await expect(table.getByRole("row", { name: /Seats/ }).getByRole("cell")).toHaveText([
      "1 seat",
      "3 seats",
      "10 seats",
      "50 seats",
    ]);
    await expect(
      table
        .getByRole("row", { name: /API calls/ })
        .getByRole("cell")
        .last(),
    ).toHaveText("Unlimited");

    await starter.getByRole("link", { name: /Starter \(yearly\)/ }).click();
    await expect(page).toHaveURL(/\/sign-up\?plan=starter-yearly$/);
    await expect(page.getByTestId("chosen-plan")).toBeVisible();

    const email = `pricing-${Date.now()}-${Math.floor(Math.random() * 1e6)}@newco.example`;
    await page.getByLabel("Organization").fill(`Pricing Co ${Date.now()}`);
    await page.getByLabel("Your name").fill("Pia Pricing");
    await page.getByLabel("Work email").fill(email);
    await page.getByLabel("Password").fill("a-long-password");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page).toHaveURL(/\/sign-in\?/);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("a-long-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/billing\?plan=starter-yearly$/, { timeout: 30_000 });
    // The plan chosen on the pricing page is marked, at its interval, with its features listed.
    const chosen = page.locator("[data-chosen]");
    await expect(chosen).toContainText("Your choice on the pricing page");
    await expect(chosen).toContainText("Starter");
    await expect(chosen).toContainText("Seats: 3 seats");
    await expect(chosen.getByRole("button", { name: "Choose Starter (yearly)" })).toBeEnabled();
  });

  test("on a phone the plans stack as cards that list their features, without sideways scrolling", async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto("/pricing");
    const enterprise = page.getByRole("region", { name: "Enterprise", exact: true });
    await expect(enterprise).toContainText("SSO (SAML)");
    await expect(enterprise).toContainText("Included");
    await expect(page.getByTestId("feature-table")).toBeHidden();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });
});
