// Plans with a life cycle (issue 19, items 2 and 4): a new plan is a draft no customer sees, goes
// on sale and off sale (and back) only after a confirmation; editing a plan makes its next version
// and its subscribers move in one previewed action; the editor keeps every value after a failed
// save and speaks to a person beside the field.
import { expect, test, type Page } from "@playwright/test";
import { ADMIN_STATE, OWNER_STATE } from "./support";

// Each journey saves several times through server actions; on a loaded CI machine a save can take
// well over the default 10 s, so the waits that follow a save are longer (they end as soon as it lands).
test.describe.configure({ timeout: 300_000 });
const SAVED = { timeout: 60_000 };

async function confirmInDialog(page: Page, button: string, confirm: string) {
  await page.getByRole("button", { name: button, exact: true }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: confirm, exact: true }).click();
  await expect(dialog).toBeHidden(SAVED);
}

test.describe("the plan editor", () => {
  test.use({ storageState: ADMIN_STATE });

  test("keeps every value after a failed save, says what is wrong beside the field, focuses it, and appends tiers at the end", async ({
    page,
    baseURL,
  }) => {
    const run = Date.now();
    const meter = `e2e_lc_${run}`;
    const origin = { origin: baseURL! };
    // A meter priced in credits, so its charge offers the usage-billing choice.
    expect(
      (
        await page.request.post("/api/v1/meters", {
          headers: origin,
          data: { code: meter, name: "Lifecycle calls", event_name: meter, aggregation: "count" },
        })
      ).status(),
    ).toBe(201);
    expect(
      (
        await page.request.post("/api/v1/credit-meter-links", {
          headers: origin,
          data: { meter, credit_event: "api_call_basic" },
        })
      ).status(),
    ).toBe(201);

    const code = `lc-editor-${run}`;
    await page.goto("/admin/plans/new");
    await page.getByLabel("Code").fill(code);
    await page.getByLabel("Name", { exact: true }).fill("Lifecycle Editor");
    await page.getByLabel("Billed").selectOption("year");
    await page.getByLabel("Trial days").fill("400");
    await page.getByLabel("Invoice mid-period at (optional)").fill("500");
    await page.getByRole("button", { name: "Add usage charge" }).click();
    await page.getByLabel("Meter").selectOption(meter);
    await page.getByLabel("Usage billing").selectOption("both");
    await page.getByLabel("Price model").selectOption("graduated");
    await page.getByRole("button", { name: "Add tier" }).click();
    // Appended at the end: three tiers, the first one as it was, the new one last and empty.
    await expect(page.getByLabel(/^Tier \d up to$/)).toHaveCount(3);
    await expect(page.getByLabel("Tier 1 up to")).toHaveValue("1000");
    await expect(page.getByLabel("Tier 3 up to")).toHaveValue("");
    await page.getByLabel("Tier 2 up to").fill("5000");
    await page.getByLabel("Tier 3 up to").fill("9000");
    for (const [i, price] of ["0", "0.02", "0.01"].entries()) await page.getByLabel("Unit price").nth(i).fill(price);

    await page.getByRole("button", { name: "Create draft" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "The plan was not saved" })).toHaveText(
      "The plan was not saved. Fix the fields marked below.",
    );
    await expect(page.getByText("Trial must be 365 days or fewer.")).toBeVisible();
    await expect(page.getByText("The last tier must have no upper bound — leave “up to” empty.")).toBeVisible();
    await expect(page.getByLabel("Trial days")).toBeFocused();
    await expect(page.getByLabel("Trial days")).toHaveAccessibleDescription("Trial must be 365 days or fewer.");
    await expect(page.locator("body")).not.toContainText(/PATCH|\/api\/v1|Too big|up_to null/);
    // Nothing was reset: every dropdown shows what was chosen, every field what was typed.
    await expect(page.getByLabel("Billed")).toHaveValue("year");
    await expect(page.getByLabel("Meter")).toHaveValue(meter);
    await expect(page.getByLabel("Usage billing")).toHaveValue("both");
    await expect(page.getByLabel("Price model")).toHaveValue("graduated");
    await expect(page.getByLabel("Tier 2 up to")).toHaveValue("5000");
    await expect(page.getByLabel("Code")).toHaveValue(code);

    await page.getByLabel("Trial days").fill("14");
    await page.getByLabel("Tier 3 up to").fill("");
    await page.getByRole("button", { name: "Create draft" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Saved as a draft" })).toBeVisible(SAVED);
    await expect(page.getByRole("heading", { name: "Lifecycle Editor" })).toBeVisible();
    await expect(page.getByText("Invoice mid-period at $500.00 of unbilled usage")).toBeVisible();
    const id = page.url().split("/").pop()!.split("?")[0]!;
    const saved = await (await page.request.get(`/api/v1/plans/${id}`)).json();
    expect(saved).toMatchObject({ status: "draft", interval: "year", trial_days: 14 });
    expect(saved.charges[0]).toMatchObject({ meter, usage_billing: "both", model: "graduated" });
    expect(saved.charges[0].tiers.map((t: { up_to: number | null }) => t.up_to)).toEqual([1000, 5000, null]);
  });
});

test("a new plan is a draft until it is put on sale; off sale and back on sale are confirmed, and the customer's picker follows", async ({
  browser,
}) => {
  const admin = await browser.newPage({ storageState: ADMIN_STATE });
  const owner = await browser.newPage({ storageState: OWNER_STATE });
  const name = `Lifecycle ${Date.now()}`;
  await admin.goto("/admin/plans/new");
  await admin.getByLabel("Code").fill(`lc-${Date.now()}`);
  await admin.getByLabel("Name", { exact: true }).fill(name);
  await admin.getByLabel("Base price").fill("1.00");
  await admin.getByRole("button", { name: "Create draft" }).click();
  await expect(admin.getByRole("heading", { name })).toBeVisible(SAVED);
  await expect(admin.getByText("Draft", { exact: true }).first()).toBeVisible();

  const picker = () => owner.getByRole("heading", { name, exact: true });
  await owner.goto("/billing");
  await expect(owner.getByRole("heading", { name: "Change plan" })).toBeVisible();
  await expect(picker()).toHaveCount(0);

  await confirmInDialog(admin, "Put on sale", "Put on sale");
  await expect(admin.getByText("On sale", { exact: true }).first()).toBeVisible(SAVED);
  await owner.reload();
  await expect(picker()).toBeVisible();
  // Ordered by price: at $1.00 it comes before every paid demo plan.
  const names = await owner.locator("h3").allTextContents();
  expect(names.indexOf(name)).toBeLessThan(names.indexOf("Starter"));

  // Taking it off sale asks first; keeping it changes nothing.
  await admin.getByRole("button", { name: "Take off sale", exact: true }).click();
  await admin.getByRole("dialog").getByRole("button", { name: "Keep on sale" }).click();
  await expect(admin.getByText("On sale", { exact: true }).first()).toBeVisible(SAVED);
  await confirmInDialog(admin, "Take off sale", "Take off sale");
  await expect(admin.getByText("Off sale", { exact: true }).first()).toBeVisible(SAVED);
  await owner.reload();
  await expect(picker()).toHaveCount(0);

  await confirmInDialog(admin, "Put back on sale", "Put back on sale");
  await expect(admin.getByText("On sale", { exact: true }).first()).toBeVisible(SAVED);
  await owner.reload();
  await expect(picker()).toBeVisible();
  // Off sale again, so later journeys see the demo catalog as it was.
  await confirmInDialog(admin, "Take off sale", "Take off sale");
  await expect(admin.getByText("Off sale", { exact: true }).first()).toBeVisible(SAVED);
  await admin.close();
  await owner.close();
});

test("editing a plan with subscribers makes its next version; the operator moves them in one previewed action", async ({
  browser,
  baseURL,
}) => {
  const admin = await browser.newPage({ storageState: ADMIN_STATE });
  const headers = { origin: baseURL! };
  const run = Date.now();
  const plan = await (
    await admin.request.post("/api/v1/plans", {
      headers,
      data: { code: `lc-move-${run}`, name: `Move ${run}`, interval: "month", base_price: "20.00", self_serve: false },
    })
  ).json();
  expect(plan).toMatchObject({ status: "on_sale", version: 1 });
  const customer = `Mover ${run}`;
  const org = await (await admin.request.post("/api/v1/customers", { headers, data: { name: customer } })).json();
  const sub = await admin.request.post("/api/v1/subscriptions", {
    headers,
    data: { customer_id: org.id, plan: plan.id },
  });
  expect(sub.status()).toBe(201);

  await admin.goto(`/admin/plans/${plan.id}`);
  await admin.getByRole("link", { name: "Edit plan" }).click();
  await expect(admin.getByRole("heading", { name: `Edit Move ${run}` })).toBeVisible();
  await admin.getByLabel("Base price").fill("25.00");
  await admin.getByRole("button", { name: "Save plan" }).click();
  await expect(admin.getByRole("status").filter({ hasText: "Saved as version 2" })).toBeVisible(SAVED);

  await expect(admin.getByRole("heading", { name: "Subscribers on earlier versions" })).toBeVisible();
  await expect(admin.getByRole("cell", { name: customer })).toBeVisible();
  await admin.getByRole("button", { name: "Move 1 subscriber to version 2", exact: true }).click();
  const dialog = admin.getByRole("dialog");
  await expect(dialog).toContainText(customer);
  await expect(dialog).toContainText("$20.00");
  await expect(dialog).toContainText("$25.00");
  await expect(dialog).toContainText("+$5.00");
  await dialog.getByRole("button", { name: "Move 1 subscriber", exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(
    admin.getByText(`${customer} (v1) already moves to this version at the end of the period.`),
  ).toBeVisible();
  await admin.close();
});
