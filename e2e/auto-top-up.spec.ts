import { expect, test } from "@playwright/test";
import { signUpNewOrg } from "./support";

const int = (s: string | null) => Number((s ?? "").replace(/[^\d-]/g, ""));

test("crossing the auto top-up threshold buys the pack with the saved sandbox card", async ({ page, playwright }) => {
  await signUpNewOrg(page, `TopUp Co ${Date.now()}`);

  // Before a card is saved, turning it on is refused with the reason.
  await page.goto("/credits");
  const card = page.getByRole("region", { name: "Automatic top-up" });
  await expect(card.getByText("No automatic top-ups yet")).toBeVisible();
  await card.getByLabel("Top up automatically").check();
  await card.getByLabel("When the balance is below").fill("500");
  await card.getByLabel("Buy", { exact: true }).selectOption({ label: "1,000 credits — 1,000 credits for $10.00" });
  await card.getByRole("button", { name: "Save" }).click();
  await expect(card.getByRole("alert")).toContainText("no saved card to charge");

  // A first pack bought at the sandbox checkout keeps the card.
  await page.getByTestId("pack-credits-1k").getByRole("button", { name: "Buy for $10.00" }).click();
  await page.getByRole("button", { name: "Pay $10.00" }).click();
  await expect(page).toHaveURL(/\/credits\?purchase=success/);
  await expect(page.getByTestId("credit-balance")).toHaveText("1,000");

  await card.getByLabel("Top up automatically").check();
  await card.getByLabel("When the balance is below").fill("500");
  await card.getByLabel("Buy", { exact: true }).selectOption({ label: "1,000 credits — 1,000 credits for $10.00" });
  await card.getByLabel("At most, per month").fill("2");
  await card.getByRole("button", { name: "Save" }).click();
  await expect(card.getByRole("status")).toHaveText("Automatic top-up is on.");
  await expect(card.getByTestId("auto-top-up-summary")).toContainText("Below 500 credits, buys 1,000 credits");

  // A backend spends 600 credits: the balance falls to 400, below 500.
  await page.goto("/api-keys");
  await page.getByLabel("Name").fill(`top-up e2e ${Date.now()}`);
  await page.getByRole("button", { name: "Create key" }).click();
  const key = (await page.getByTestId("new-api-key").textContent())!.trim();
  const api = await playwright.request.newContext({ baseURL: new URL(page.url()).origin });
  const spent = await api.post("/api/v1/credits/consume", {
    headers: { Authorization: `Bearer ${key}` },
    data: { credits: 600, idempotency_key: `e2e-${Date.now()}` },
  });
  expect(spent.status()).toBe(200);
  expect(await spent.json()).toMatchObject({ balance_after: 400 });

  // The top-up runs in the background: the balance a backend reads comes back to 1,400.
  await expect
    .poll(
      async () => {
        const r = await api.get("/api/v1/credits", { headers: { Authorization: `Bearer ${key}` } });
        return (await r.json()).balance;
      },
      { timeout: 20_000 },
    )
    .toBe(1400);
  await api.dispose();

  await page.goto("/credits");
  await expect(page.getByTestId("credit-balance")).toHaveText("1,400");
  const row = card.getByTestId("auto-top-up-row").first();
  await expect(row).toContainText("Bought");
  await expect(row).toContainText("$10.00");
  await expect(card.getByTestId("auto-top-up-summary")).toContainText("1 of 2 this month");
  expect(int(await row.locator("td").nth(4).textContent())).toBe(400);
});
