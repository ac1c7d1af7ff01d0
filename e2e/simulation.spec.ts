// Price simulation (issue 21): before a plan's new version or a new plan goes on sale, the operator
// rates it against real customers' last months, from the plan's page, and reads the totals.
import { expect, test } from "@playwright/test";
import { ADMIN_STATE } from "./support";

test.describe.configure({ timeout: 180_000 });

test.describe("price simulation", () => {
  test.use({ storageState: ADMIN_STATE });

  test("an operator simulates a draft version and a new plan from the plan page and sees the totals", async ({
    page,
    baseURL,
  }) => {
    const run = Date.now();
    const headers = { origin: baseURL! };
    const post = async <T>(path: string, data: unknown, method: "post" | "patch" = "post") => {
      const res = await page.request[method](path, { headers, data });
      expect(res.status(), `${path}: ${await res.text()}`).toBeLessThan(300);
      return (await res.json()) as T;
    };

    // A plan on sale with a subscriber who joined today, then its next version, not on sale yet.
    const plan = await post<{ id: string }>("/api/v1/plans", {
      code: `sim-${run}`,
      name: `Sim ${run}`,
      interval: "month",
      base_price: "20.00",
      charges: [{ type: "usage", meter: "api_calls", model: "per_unit", unit_price: "0.02" }],
    });
    const customer = await post<{ id: string }>("/api/v1/customers", { name: `Sim customer ${run}` });
    await post("/api/v1/subscriptions", { customer_id: customer.id, plan: plan.id, skip_trial: true });
    const next = await post<{ id: string; version: number }>(
      `/api/v1/plans/${plan.id}`,
      { base_price: "25.00", status: "off_sale" },
      "patch",
    );
    expect(next.version).toBe(2);
    await page.goto(`/admin/plans/${next.id}`);
    await page.getByRole("link", { name: "Simulate", exact: true }).click();
    await expect(page.getByRole("heading", { name: "Simulate prices" })).toBeVisible();
    // Its only subscriber has no whole month yet: nothing to rate, and the page says why.
    await expect(page.getByText("No customer to rate")).toBeVisible({ timeout: 60_000 });
    await expect(page.getByText(/joined this month/)).toBeVisible();

    // A new draft plan, rated against the customers of Acme's plan (Acme has been a customer for months;
    // other journeys may have moved it from Professional to Enterprise).
    const acme = (await (await page.request.get("/api/v1/customers?search=Acme%20Corp")).json()) as {
      data: { id: string; external_id: string | null }[];
    };
    const acmeId = acme.data.find((c) => c.external_id === "acme")!.id;
    const subs = (await (
      await page.request.get(`/api/v1/subscriptions?customer_id=${acmeId}&status=active`)
    ).json()) as {
      data: { plan: { name: string }; interval: string }[];
    };
    const acmePlan = subs.data[0]!;
    const draft = await post<{ id: string }>("/api/v1/plans", {
      code: `sim-new-${run}`,
      name: `Sim new ${run}`,
      interval: "month",
      base_price: "79.00",
      status: "draft",
      charges: [{ type: "usage", meter: "api_calls", model: "per_unit", unit_price: "0.005" }],
    });
    await page.goto(`/admin/plans/${draft.id}`);
    await page.getByRole("link", { name: "Simulate", exact: true }).click();
    await expect(page.getByText("Choose the months and the customers")).toBeVisible();
    await page.getByLabel("Months").fill("3");
    await page
      .getByLabel("Customers")
      .selectOption({ label: `Subscribers of ${acmePlan.plan.name} (${acmePlan.interval}ly)` });
    await page.getByRole("button", { name: "Simulate", exact: true }).click();

    const results = page.getByTestId("simulation-results");
    await expect(results).toBeVisible({ timeout: 60_000 });
    await expect(results.locator("p", { hasText: /^Today's prices$/ })).toBeVisible();
    await expect(results.locator("p", { hasText: /^Difference$/ })).toBeVisible();
    await expect(results.locator("p", { hasText: /^Pay more · less · the same$/ })).toBeVisible();
    await expect(results.getByRole("table", { name: "Customers rated" }).getByText("Acme Corp")).toBeVisible();
    // Three months in the chart's table; the draft's fee alone is $79 a month.
    await expect(results.getByRole("table", { name: "Revenue by month" }).locator("tbody tr")).toHaveCount(3);
    await expect(results.getByText("This plan", { exact: true }).first()).toBeVisible();
  });
});
