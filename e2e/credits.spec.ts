import { expect, test, type Page } from "@playwright/test";
import { ADMIN_STATE, OWNER_STATE } from "./support";

const int = (s: string | null) => Number((s ?? "").replace(/[^\d-]/g, ""));

async function bucketRemaining(page: Page, source: string): Promise<number> {
  return int(await page.locator(`tr[data-source="${source}"]`).first().getByTestId("bucket-remaining").textContent());
}

test.describe("customer", () => {
  test.use({ storageState: OWNER_STATE });

  test("sees credits spent over the API disappear from the purchased bucket, and the spend in the ledger", async ({
    page,
    playwright,
  }) => {
    await page.goto("/api-keys");
    await page.getByLabel("Name").fill(`credits e2e ${Date.now()}`);
    await page.getByRole("button", { name: "Create key" }).click();
    const key = (await page.getByTestId("new-api-key").textContent())!.trim();

    await page.goto("/credits");
    await expect(page.getByRole("heading", { name: "Credits", exact: true })).toBeVisible();
    const balanceBefore = int(await page.getByTestId("credit-balance").textContent());
    const purchasedBefore = await bucketRemaining(page, "purchased");
    const subscriptionBefore = await bucketRemaining(page, "subscription");
    expect(purchasedBefore).toBeGreaterThanOrEqual(50);

    const api = await playwright.request.newContext({ baseURL: new URL(page.url()).origin });
    const reference = `call_e2e_${Date.now()}`;
    const res = await api.post("/api/v1/credits/consume", {
      headers: { Authorization: `Bearer ${key}`, "Idempotency-Key": reference },
      data: { event_name: "ai_inference", quantity: 2, reference },
    });
    expect(res.status()).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      credits: 50,
      balance_after: balanceBefore - 50,
      spent: [{ source: "purchased", credits: 50 }],
    });
    // The balance read a backend makes before its next spend already shows it.
    const read = await api.get("/api/v1/credits", { headers: { Authorization: `Bearer ${key}` } });
    expect(read.status()).toBe(200);
    expect(await read.json()).toMatchObject({ object: "credit_balance", balance: balanceBefore - 50 });
    await api.dispose();

    // The balance refreshes on its own while the page is open…
    await expect(page.getByTestId("credit-balance")).toHaveText((balanceBefore - 50).toLocaleString("en-US"), {
      timeout: 25_000,
    });
    // …and after a reload the credits are gone from the purchased bucket only, with the spend in the ledger.
    await page.reload();
    expect(await bucketRemaining(page, "purchased")).toBe(purchasedBefore - 50);
    expect(await bucketRemaining(page, "subscription")).toBe(subscriptionBefore);
    const row = page.getByTestId("ledger-row").filter({ hasText: reference });
    await expect(row).toContainText("ai_inference × 2");
    await expect(row).toContainText("−50");

    await page.getByLabel("Credit event").selectOption("ai_inference");
    await page.getByRole("button", { name: "Filter" }).click();
    await expect(page).toHaveURL(/event=ai_inference/);
    await expect(page.getByTestId("ledger-row").first()).toContainText("ai_inference");
    await expect(page.getByTestId("ledger-row").filter({ hasText: "api_call_basic" })).toHaveCount(0);
  });

  test("sees the credit packs for sale with their price and credits", async ({ page }) => {
    await page.goto("/credits");
    const pack = page.getByTestId("pack-credits-5k");
    await expect(pack).toContainText("$45.00");
    await expect(pack).toContainText("5,000 credits");
  });
});

test.describe("admin", () => {
  test.use({ storageState: ADMIN_STATE });

  test("grants credits with a reason and sees them in the customer's ledger", async ({ page }) => {
    await page.goto("/admin/credits");
    await page.getByRole("link", { name: "Globex" }).click();
    await expect(page.getByRole("heading", { name: "Globex: credits" })).toBeVisible();
    const before = int(await page.getByTestId("credit-balance").textContent());
    const grant = page.getByRole("form", { name: "Grant credits" });
    await grant.getByLabel("Credits").fill("300");
    const reason = `e2e goodwill ${Date.now()}`;
    await grant.getByLabel("Reason").fill(reason);
    await grant.getByRole("button", { name: "Grant credits" }).click();
    await expect(grant.getByRole("status")).toHaveText("Granted 300 credits.");
    await expect(page.getByTestId("ledger-row").filter({ hasText: reason })).toContainText("+300");
    await page.reload();
    await expect(page.getByTestId("credit-balance")).toHaveText((before + 300).toLocaleString("en-US"));
  });

  test("is told why an adjustment cannot take more credits than the customer has", async ({ page }) => {
    await page.goto("/admin/credits");
    await page.getByRole("link", { name: "Globex" }).click();
    const adjust = page.getByRole("form", { name: "Adjust credits" });
    await adjust.getByLabel("Change").fill("-99999999");
    await adjust.getByLabel("Reason").fill("too much");
    await adjust.getByRole("button", { name: "Adjust" }).click();
    await expect(adjust.getByRole("alert")).toContainText("Not enough credits");
  });
});
