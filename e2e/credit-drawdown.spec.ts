import { expect, test } from "@playwright/test";
import { ADMIN_STATE, OWNER_STATE } from "./support";

const int = (s: string | null) => Number((s ?? "").replace(/[^\d-]/g, ""));

test.describe("meters priced in credits", () => {
  test.use({ storageState: OWNER_STATE });

  test("events sent over the API lower the balance on the credits page, and the drawdown shows by meter", async ({
    page,
    browser,
    request,
    baseURL,
  }) => {
    // The operator prices a new meter in credits: 5 credits an event (the demo's api_call_premium).
    const run = Date.now();
    const meter = `e2e_priced_${run}`;
    const admin = await browser.newPage({ storageState: ADMIN_STATE });
    const origin = { origin: baseURL! };
    const made = await admin.request.post("/api/v1/meters", {
      headers: origin,
      data: { code: meter, name: "Priced calls", event_name: meter, aggregation: "count" },
    });
    expect(made.status()).toBe(201);
    const link = await admin.request.post("/api/v1/credit-meter-links", {
      headers: origin,
      data: { meter, credit_event: "api_call_premium" },
    });
    expect(link.status()).toBe(201);
    await admin.close();

    await page.goto("/api-keys");
    await page.getByLabel("Name").fill(`drawdown e2e ${run}`);
    await page.getByRole("button", { name: "Create key" }).click();
    const key = (await page.getByTestId("new-api-key").textContent())!.trim();

    await page.goto("/credits");
    const before = int(await page.getByTestId("credit-balance").textContent());
    expect(before).toBeGreaterThanOrEqual(15);
    const res = await request.post("/api/v1/events/bulk", {
      headers: { "x-api-key": key },
      data: { events: [0, 1, 2].map((i) => ({ event_id: `${meter}-${i}`, event_name: meter })) },
    });
    expect(res.status()).toBe(202);
    // Sent again (a retry): nothing more is spent.
    await request.post("/api/v1/events/bulk", {
      headers: { "x-api-key": key },
      data: { events: [0, 1, 2].map((i) => ({ event_id: `${meter}-${i}`, event_name: meter })) },
    });

    // At once, drawn or not: the balance counts the usage.
    await page.reload();
    await expect(page.getByTestId("credit-balance")).toHaveText((before - 15).toLocaleString("en-US"));
    // Within a moment the drawdown has spent it, and the page shows it by meter.
    await expect(async () => {
      await page.reload();
      await expect(page.getByTestId(`drawdown-${meter}`)).toHaveText("15", { timeout: 1_000 });
    }).toPass({ timeout: 20_000 });
    await expect(page.getByTestId("credit-balance")).toHaveText((before - 15).toLocaleString("en-US"));
    await expect(page.getByRole("heading", { name: "Usage drawn from credits, by meter" })).toBeVisible();
    const row = page.getByTestId("ledger-row").filter({ hasText: `usage of ${meter}, ` });
    await expect(row.first()).toContainText("−15");
  });
});
