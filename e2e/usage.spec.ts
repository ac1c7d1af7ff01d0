import { expect, test, type Page } from "@playwright/test";
import { ADMIN_STATE, OWNER_STATE, signIn } from "./support";

/** Creates an API key on the signed-in owner's API keys page and returns it. */
async function createKey(page: Page): Promise<string> {
  await page.goto("/api-keys");
  await page.getByLabel("Name").fill(`usage e2e ${Date.now()}`);
  await page.getByRole("button", { name: "Create key" }).click();
  return (await page.getByTestId("new-api-key").textContent())!.trim();
}

test.describe("customer usage", () => {
  test.use({ storageState: OWNER_STATE });

  test("events sent over the API show up on the usage page, in the meter table and the chart", async ({
    page,
    request,
  }) => {
    const key = await createKey(page);
    const id = `e2e-storage-${Date.now()}`;
    const res = await request.post("/api/v1/events/bulk", {
      headers: { "x-api-key": key, prefer: "return=representation" },
      data: {
        events: [
          { event_id: id, event_name: "storage_snapshot", properties: { gb: "987.65" } },
          { event_name: "no_such_event", event_id: `${id}-bad` },
        ],
      },
    });
    expect(res.status()).toBe(202);
    const body = await res.json();
    expect(body.events.map((e: { status: string }) => e.status)).toEqual(["accepted", "rejected"]);

    await page.goto("/usage?meter=storage_gb&range=7d&window=day");
    await expect(page.getByRole("heading", { name: "Usage", exact: true })).toBeVisible();
    await expect(page.getByTestId("meter-usage").locator('tr[data-meter="storage_gb"]')).toContainText("987.65 GB");
    await expect(page.getByTestId("usage-table").getByRole("row").first()).toContainText("987.65");
    await expect(page.getByTestId("usage-chart").locator(".recharts-bar-rectangle").first()).toBeVisible();

    // The range and window live in the URL and the chart follows them.
    await page.getByLabel("Window").selectOption("hour");
    await expect(page).toHaveURL(/window=hour/);
    await expect(page.getByTestId("usage-table").getByRole("row").first()).toContainText("987.65");
    await expect(page.getByTestId("model-costs")).toContainText("gpt-4");
  });
});

test.describe("alerts", () => {
  test("a customer near its plan limit sees the 80 % alert, crosses 100 % over the API, and acknowledges", async ({
    page,
    request,
  }) => {
    await signIn(page, "owner@globex.example");
    await page.goto("/usage");
    const open = page.getByTestId("open-alerts");
    await expect(open).toContainText("80 % of the plan limit");

    const key = await createKey(page);
    const run = Date.now();
    const events = Array.from({ length: 1_000 }, (_, i) => ({ event_id: `e2e-${run}-${i}`, event_name: "api_call" }));
    for (const chunk of [events, events.map((e) => ({ ...e, event_id: `${e.event_id}-b` }))]) {
      const res = await request.post("/api/v1/events/bulk", {
        headers: { authorization: `Bearer ${key}` },
        data: { events: chunk },
      });
      expect(res.status()).toBe(202);
    }
    const entitlement = await (
      await request.get("/api/v1/entitlements/api_calls", { headers: { "x-api-key": key } })
    ).json();
    expect(entitlement).toMatchObject({ allowed: false, limit: 10000, remaining: "0", enforcement: "hard" });
    const usage = await (
      await request.get("/api/v1/usage?meter=api_calls", { headers: { authorization: `Bearer ${key}` } })
    ).json();
    expect(Number(usage.meters[0].value)).toBeGreaterThanOrEqual(10_000);

    // Limit checks run at most once a second per customer (ALERT_CHECK_INTERVAL_MS): the second
    // batch's crossing is found by the deferred check up to a second later, so look again until it shows.
    await expect(async () => {
      await page.goto("/usage");
      await expect(open).toContainText("limit of 10,000 calls is reached", { timeout: 1_000 });
    }).toPass({ timeout: 15_000 });
    await open.getByRole("button", { name: /Acknowledge: API calls: 80 %/ }).click();
    await expect(open).not.toContainText("80 % of the plan limit");
    await expect(open).toContainText("is reached");
  });
});

test.describe("admin", () => {
  test.use({ storageState: ADMIN_STATE });

  test("sees a customer's usage, raw events and rejected items with the reason", async ({ page, request }) => {
    await page.goto("/admin/api-keys");
    await page.getByLabel("Name").fill(`admin usage e2e ${Date.now()}`);
    await page.getByRole("button", { name: "Create key" }).click();
    const key = (await page.getByTestId("new-api-key").textContent())!.trim();
    const id = `admin-e2e-${Date.now()}`;
    const long = `${id}-${"a-rather-long-identifier-".repeat(4)}`;
    const res = await request.post("/api/v1/events/bulk", {
      headers: { "x-api-key": key },
      data: {
        events: [
          { event_id: id, event_name: "user_active", external_customer_id: "acme", properties: { user_id: "e2e" } },
          { event_id: `${id}-x`, event_name: "api_call", external_customer_id: "no-such-customer" },
          { event_id: `${id}-y`, event_name: "unknown_thing", external_customer_id: "acme" },
          // Senders' long names, ids and properties: the tables must still show every column.
          { event_id: long, event_name: "api_call", external_customer_id: "acme", properties: { route: long } },
          { event_id: long, event_name: "api_call", external_customer_id: "acme" },
          { event_id: `${id}-z`, event_name: `unknown_${long}`, external_customer_id: "acme" },
        ],
      },
    });
    expect(await res.json()).toMatchObject({ accepted: "2", rejected: "4" });

    // By search: the list's first page holds the newest customers, and journeys keep adding some.
    await page.goto("/admin?q=Acme");
    await page.getByRole("link", { name: "Acme Corp" }).click();
    await page.getByRole("link", { name: "Usage and events" }).click();
    await expect(page.getByRole("heading", { name: "Acme Corp: usage" })).toBeVisible();
    await expect(page.getByTestId("raw-events")).toContainText(id);
    await expect(page.getByTestId("ingest-log")).toContainText('no meter reads events named "unknown_thing"');
    await expect(page.getByRole("columnheader", { name: "Provider cost" })).toBeVisible();
    // At a desktop's width both tables show all their columns: long values are cut (whole on hover) or wrap.
    await page.setViewportSize({ width: 1440, height: 900 });
    for (const name of ["Recent events", "Duplicates and rejections"]) {
      const box = page.getByRole("table", { name }).locator("xpath=..");
      const { scroll, client } = await box.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
      expect(scroll, `${name} fits its card`).toBeLessThanOrEqual(client + 1);
    }
    await expect(page.getByTestId("raw-events").getByTitle(long, { exact: true }).first()).toBeVisible();

    await page.goto("/admin/usage");
    await expect(page.getByTestId("ingest-log")).toContainText('no customer has the external id "no-such-customer"');
  });

  test("retracts a customer's events sent wrong, with a reason: the usage drops, the correction is listed", async ({
    page,
    request,
  }, testInfo) => {
    await page.goto("/admin/api-keys");
    await page.getByLabel("Name").fill(`corrections e2e ${Date.now()}`);
    await page.getByRole("button", { name: "Create key" }).click();
    const key = (await page.getByTestId("new-api-key").textContent())!.trim();
    const run = Date.now();
    const created = await request.post("/api/v1/customers", {
      headers: { "x-api-key": key },
      data: { name: `Corrected Co ${run}`, external_id: `corrected-${run}` },
    });
    expect(created.status()).toBe(201);
    const customer = (await created.json()) as { id: string };
    const sent = await request.post("/api/v1/events/bulk", {
      headers: { "x-api-key": key },
      data: {
        events: [1, 2, 3].map((i) => ({
          event_id: `fix-${run}-${i}`,
          event_name: "api_call",
          external_customer_id: `corrected-${run}`,
        })),
      },
    });
    expect(await sent.json()).toMatchObject({ accepted: "3" });
    const calls = async () => {
      const from = new Date(Date.now() - 86_400_000).toISOString();
      const res = await request.get(
        `/api/v1/usage?customer_id=${customer.id}&meter=api_calls&from=${from}&to=${new Date().toISOString()}`,
        { headers: { "x-api-key": key } },
      );
      return ((await res.json()) as { meters: { value: string }[] }).meters[0]!.value;
    };
    expect(await calls()).toBe("3");

    await page.goto(`/admin/customers/${customer.id}/usage`);
    await expect(page.getByText(/API calls: 3 calls in the range/)).toBeVisible();
    const card = page.locator("#corrections");
    await expect(card.getByText("No corrections")).toBeVisible();
    // Without a reason nothing is retracted: the field says so.
    await card.getByLabel("Or event ids").fill(`fix-${run}-1, fix-${run}-2`);
    // Before anything moves, the form says how many events it names.
    await expect(card.getByTestId("form-preview")).toHaveText("2 events match now.");
    await card.getByRole("button", { name: "Retract events" }).click();
    await expect(card.getByLabel("Reason")).toBeFocused();
    await card.getByLabel("Reason").fill("sent twice by a retry");
    await card.getByRole("button", { name: "Retract events" }).click();
    await expect(card.getByRole("status")).toHaveText("Retracted 2 events.");
    const row = card.getByTestId("usage-corrections").getByRole("row").first();
    await expect(row).toContainText("sent twice by a retry");
    await expect(row).toContainText("2 event ids");
    await expect(row).toContainText("completed");
    await expect(page.getByTestId("raw-events")).not.toContainText(`fix-${run}-1`);
    await expect(page.getByTestId("raw-events")).toContainText(`fix-${run}-3`);
    expect(await calls()).toBe("1");
    // The page's own figures follow at once: today's count and the chart.
    await expect(page.getByText(/API calls: 1 call in the range/)).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath("usage-corrections.png"), fullPage: true });
  });
});
