import { expect, test, type Browser, type Page } from "@playwright/test";
import { ADMIN_STATE, OWNER_STATE, signUpNewOrg } from "./support";

// Issue 19 item 11: pages that do more. The customer's overview sums up usage, credits, alerts and
// the upcoming invoice, with the right "customer since"; the admin's customer page acts (grant,
// change plan, cancel) and names people instead of actor ids; the webhook log opens a payload;
// unknown [id] pages answer 404 (tests/loading-boundaries.test.ts keeps the list pages' skeletons).

const DAY = 86_400_000;

/** No page is wider than the screen (the same check as phone-widths.spec.ts). */
async function expectNoOverflow(page: Page) {
  const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(over, "page scrolls sideways").toBeLessThanOrEqual(0);
}

/** A new organization on the Starter trial, signed in as its owner; answers its Tally id. */
async function newStarterOrg(browser: Browser) {
  // Signed out: a context made here takes the test's storageState (the admin's), and /sign-up sends a
  // signed-in visitor home.
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  const { orgName } = await signUpNewOrg(page);
  await page.goto("/billing");
  await page.getByRole("button", { name: "Choose Starter (monthly)" }).click();
  await page.getByRole("button", { name: "Start trial" }).click();
  await expect(page).toHaveURL(/\/billing\?checkout=success/);
  await page.goto("/");
  const orgId = (await page.getByText(/^org_/).first().textContent())!.trim();
  return { context, page, orgId, orgName };
}

test.describe("unknown pages answer 404", () => {
  test.describe("as a customer", () => {
    test.use({ storageState: OWNER_STATE });
    test("an unknown agent, invoice, webhook endpoint or delivery is a 404 page, a known one is not", async ({
      page,
    }) => {
      for (const path of [
        "/agents/agt_does_not_exist",
        "/billing/invoices/inv_does_not_exist",
        "/webhook-endpoints/whe_does_not_exist",
        "/webhook-deliveries/whd_does_not_exist",
      ]) {
        const res = await page.goto(path);
        expect(res?.status(), path).toBe(404);
        await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
      }
      // A known one still answers 200.
      await page.goto("/agents");
      const href = await page.locator('a[href^="/agents/agt_"]').first().getAttribute("href");
      expect((await page.request.get(href!)).status()).toBe(200);
    });
  });

  test.describe("as the admin", () => {
    test.use({ storageState: ADMIN_STATE });
    test("unknown customers, agents, plans, webhook events, endpoints and deliveries are 404 pages", async ({
      page,
    }) => {
      for (const path of [
        "/admin/customers/org_does_not_exist",
        "/admin/customers/org_does_not_exist/credits",
        "/admin/customers/org_does_not_exist/usage",
        "/admin/agents/agt_does_not_exist",
        "/admin/plans/plan_does_not_exist",
        "/admin/webhooks/evt_does_not_exist",
        "/admin/webhook-endpoints/whe_does_not_exist",
        "/admin/webhook-deliveries/whd_does_not_exist",
      ]) {
        const res = await page.request.get(path);
        expect(res.status(), path).toBe(404);
        expect(await res.text(), path).toContain("Page not found");
      }
    });
  });
});

test.describe("the customer's overview", () => {
  test.use({ storageState: OWNER_STATE });

  test("sums up usage against limits, credits, alerts and the upcoming invoice, as the other pages show them", async ({
    page,
  }) => {
    await page.goto("/");
    const usage = page.getByRole("region", { name: "Usage this period" });
    await expect(usage.getByTestId("overview-usage").locator("li").first()).toBeVisible();
    await expect(usage.getByRole("link", { name: "Usage details" })).toHaveAttribute("href", "/usage");

    const upcoming = page.getByTestId("overview-upcoming");
    await expect(upcoming).toContainText(/What you will pay on [A-Z][a-z]{2} \d{1,2}, \d{4}/);
    const total = await page.getByTestId("overview-upcoming-total").textContent();
    const balance = await page.getByTestId("overview-credit-balance").textContent();
    await expect(page.getByRole("region", { name: "Alerts" })).toBeVisible();

    // "Customer since" is when Acme became a customer (its first subscription, 75 days before the
    // demo was seeded), not when the demo data was written.
    const since = Date.parse(`${await page.getByTestId("customer-since").textContent()} UTC`);
    expect(Date.now() - since).toBeGreaterThan(60 * DAY);

    // The same figures as the billing and credits pages.
    await page.goto("/billing");
    await expect(page.getByTestId("upcoming-total")).toHaveText(total!);
    await page.goto("/credits");
    await expect(page.getByTestId("credit-balance")).toHaveText(balance!);
  });

  for (const width of [390, 1440]) {
    test(`fits a ${width} px screen`, async ({ page }) => {
      await page.setViewportSize({ width, height: 900 });
      await page.goto("/");
      await expect(page.getByTestId("overview-upcoming")).toBeVisible();
      await expectNoOverflow(page);
    });
  }
});

test.describe("the admin's customer page", () => {
  test.use({ storageState: ADMIN_STATE });

  test("grants credits, changes and cancels the plan, each confirmed and announced, and names who did it", async ({
    page,
    browser,
  }) => {
    const owner = await newStarterOrg(browser);
    await owner.context.close();
    await page.goto(`/admin/customers/${owner.orgId}`);
    await expect(page.getByRole("heading", { name: owner.orgName })).toBeVisible();

    // Grant: the outcome is announced and focused, and the balance beside it follows.
    // Starter includes credits, so the balance starts above zero: the grant adds to it.
    const balance = page.getByTestId("customer-credit-balance");
    const before = Number((await balance.textContent())!.replace(/,/g, ""));
    const grant = page.getByRole("form", { name: "Grant credits" });
    await grant.getByLabel("Credits").fill("120");
    await grant.getByLabel("Reason").fill("e2e welcome credits");
    await grant.getByRole("button", { name: "Grant credits" }).click();
    await expect(grant.getByRole("status")).toHaveText("Granted 120 credits.");
    await expect(grant.getByRole("status")).toBeFocused();
    await expect(balance).toHaveText((before + 120).toLocaleString("en-US"));

    // Change plan: reviewed in a dialog first; "keep" changes nothing, confirming does.
    const change = page.getByRole("form", { name: "Change plan" });
    const professional = await change.locator("option", { hasText: /^Professional \(monthly\)/ }).textContent();
    await change.getByLabel("New plan").selectOption({ label: professional! });
    await change.getByRole("button", { name: "Review change" }).click();
    const ask = page.getByRole("dialog", { name: "Change this customer's plan?" });
    await expect(ask).toContainText("Starter → Professional");
    await expect(ask.getByRole("button", { name: "Change plan" })).toBeFocused();
    await ask.getByRole("button", { name: "Keep the current plan" }).click();
    await expect(ask).toBeHidden();
    await change.getByRole("button", { name: "Review change" }).click();
    await ask.getByRole("button", { name: "Change plan" }).click();
    const changed = page.getByRole("status").filter({ hasText: /Professional/ });
    await expect(changed).toBeFocused();

    // Cancel at period end: confirmed first, then announced; Resume takes its place.
    await page.getByRole("button", { name: "Cancel at period end" }).click();
    const atEnd = page.getByRole("dialog", { name: "Cancel at the end of the period?" });
    await expect(atEnd.getByRole("button", { name: "Keep the subscription" })).toBeVisible();
    await atEnd.getByRole("button", { name: "Cancel at period end" }).click();
    await expect(page.getByRole("status").filter({ hasText: /^The subscription ends on / })).toBeFocused();
    await expect(page.getByRole("button", { name: "Resume subscription" })).toBeVisible();

    // Cancel now: the dialog says it cannot be undone; the end is announced.
    await page.getByRole("button", { name: "Cancel now" }).click();
    const now = page.getByRole("dialog", { name: "End the subscription now?" });
    await expect(now).toContainText("cannot be undone");
    await now.getByRole("button", { name: "End it now" }).click();
    await expect(page.getByRole("status").filter({ hasText: "The subscription has ended" })).toBeFocused();

    // History names the admin, never a raw actor id.
    const history = page.getByRole("region", { name: "Subscription history" });
    await expect(history).toContainText("Ada Admin (admin@tally.local)");
    await expect(history).not.toContainText("user:usr_");

    // So does the ledger on the customer's credits page.
    await page.goto(`/admin/customers/${owner.orgId}/credits`);
    await expect(page.getByTestId("ledger-actor").first()).toHaveText("by Ada Admin (admin@tally.local)");
    await expect(page.locator("#ledger")).not.toContainText("user:usr_");

    for (const width of [390, 1440]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`/admin/customers/${owner.orgId}`);
      await expectNoOverflow(page);
    }
  });
});

test.describe("the admin's webhook log", () => {
  test.use({ storageState: ADMIN_STATE });

  test("opens an event's payload, pretty-printed, with the keyboard", async ({ page, browser }) => {
    // A sandbox checkout writes an event to the log.
    const owner = await newStarterOrg(browser);
    await owner.context.close();
    await page.goto("/admin/webhooks");
    const first = page.getByRole("link", { name: /: open the event and its payload$/ }).first();
    await first.focus();
    await page.keyboard.press("Enter");
    await expect(page).toHaveURL(/\/admin\/webhooks\/evt_/);
    const payload = page.getByTestId("webhook-payload");
    await expect(payload).toContainText('"type": "');
    // Pretty-printed: one field a line, indented.
    expect(await payload.textContent()).toMatch(/\{\n {2}"/);
    // The payload can be scrolled from the keyboard.
    await payload.focus();
    await expect(payload).toBeFocused();
    for (const width of [390, 1440]) {
      await page.setViewportSize({ width, height: 900 });
      await expectNoOverflow(page);
    }
  });
});

test.describe("the API reference", () => {
  test("finds an endpoint by search and shows a request to copy and the answer it gets", async ({ page }) => {
    await page.goto("/docs");
    const search = page.getByLabel("Search the API");
    const consume = page.locator("details", { hasText: "/api/v1/credits/consume" }).first();
    const meters = page.locator("details", { hasText: "/api/v1/meters" }).first();
    await expect(meters).toBeVisible();

    // "/" jumps to the search field from anywhere on the page.
    await page.locator("h1").click();
    await page.keyboard.press("/");
    await expect(search).toBeFocused();
    await page.keyboard.type("credits consume");
    await expect(consume).toBeVisible();
    await expect(meters).toBeHidden();
    await expect(page.getByText(/^\d+ of \d+ endpoints match$/)).toBeVisible();

    // The example is a curl command against this installation, with a body the route accepts.
    await consume.locator("summary").click();
    const request = consume.getByLabel("Example request: POST /api/v1/credits/consume");
    await expect(request).toContainText(`curl -X POST "${new URL(page.url()).origin}/api/v1/credits/consume"`);
    await expect(request).toContainText("Authorization: Bearer $TALLY_API_KEY");
    await expect(request).toContainText('"event_name": "api_call"');
    await expect(consume.getByLabel(/^Example answer: POST/)).toContainText('"');

    await search.fill("no such endpoint anywhere");
    await expect(page.getByText("No endpoint matches “no such endpoint anywhere”.", { exact: false })).toBeVisible();
    await search.fill("");
    await expect(meters).toBeVisible();
  });

  test.describe("signed in", () => {
    test.use({ storageState: ADMIN_STATE });

    test("tries a request from the page with the session or a pasted key, and reads the answer; the TypeScript example is beside the curl one", async ({
      page,
    }, testInfo) => {
      await page.goto("/docs");
      await page.getByLabel("Search the API").fill("get /api/v1/meters list");
      const meters = page.locator("details", { hasText: "List meters" }).filter({ visible: true }).first();
      await meters.locator("summary").click();
      await expect(meters.getByLabel("TypeScript example: GET /api/v1/meters")).toContainText(
        `const res = await fetch(\`${new URL(page.url()).origin}/api/v1/meters`,
      );
      await meters.getByRole("button", { name: "Try it" }).click();
      const form = meters.getByRole("form", { name: "Try GET /api/v1/meters" });
      // No key: the signed-in session answers.
      await form.getByRole("button", { name: "Send GET" }).click();
      await expect(form.getByTestId("try-status")).toHaveText(/^200/);
      await expect(form.getByLabel("Answer body")).toContainText('"code": "api_calls"');
      // A wrong key is refused, and the answer says why.
      await form.getByLabel("API key").fill("tly_live_not_a_real_key_0000000000000000");
      await form.getByRole("button", { name: "Send GET" }).click();
      await expect(form.getByTestId("try-status")).toHaveText(/^401/);
      await expect(form.getByLabel("Answer body")).toContainText('"code": "unauthenticated"');
      await meters.screenshot({ path: testInfo.outputPath("try-it.png") });
      // A body that is not JSON is caught before anything is sent.
      await page.getByLabel("Search the API").fill("post /api/v1/meters");
      const create = page.locator("details", { hasText: "Create a meter" }).filter({ visible: true }).first();
      await create.locator("summary").click();
      await create.getByRole("button", { name: "Try it" }).click();
      const createForm = create.getByRole("form", { name: "Try POST /api/v1/meters" });
      await expect(createForm).toContainText("changes what it names");
      await createForm.getByLabel("Body (JSON)").fill("{ not json");
      await createForm.getByRole("button", { name: "Send POST" }).click();
      await expect(createForm.getByRole("alert")).toContainText("The body is not JSON");
    });
  });
});
