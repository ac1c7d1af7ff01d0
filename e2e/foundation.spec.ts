import { expect, test } from "@playwright/test";
import { ADMIN, ADMIN_STATE, MEMBER, OWNER_STATE, signIn } from "./support";

test.describe("signed out", () => {
  test("a customer signs in and sees their organization, plan and members", async ({ page }) => {
    await signIn(page, MEMBER);
    await expect(page.getByRole("heading", { name: "Acme Corp" })).toBeVisible();
    await expect(page.getByText("Professional", { exact: true })).toBeVisible();
    await expect(page.getByRole("cell", { name: "owner@acme.example" })).toBeVisible();
  });

  test("an admin signs in and lands on the admin home with the customers", async ({ page }) => {
    await signIn(page, ADMIN);
    await expect(page).toHaveURL(/\/admin$/);
    await expect(page.getByRole("heading", { name: "Platform overview" })).toBeVisible();
    await expect(page.getByTestId("customer-row").first()).toBeVisible();
    // The list's first page holds the newest customers (journeys add some); a demo customer is a search away.
    await page.goto("/admin?q=Acme");
    const customers = page.getByRole("table", { name: "Customers" });
    await expect(customers.getByRole("link", { name: "Acme Corp" })).toBeVisible();
    await expect(customers.getByRole("link", { name: "Globex" })).toHaveCount(0);
  });

  test("a wrong password shows one generic error and keeps the email typed", async ({ page }) => {
    await page.goto("/sign-in");
    await page.getByLabel("Email").fill("member@globex.example");
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.locator("form").getByRole("alert")).toHaveText("Invalid email or password.");
    await expect(page.getByLabel("Email")).toHaveValue("member@globex.example");
    await expect(page).toHaveURL(/\/sign-in/);
  });

  test("a visitor who is not signed in is sent to sign in", async ({ page }) => {
    await page.goto("/api-keys");
    await expect(page).toHaveURL(/\/sign-in/);
  });
});

test.describe("customer", () => {
  test.use({ storageState: OWNER_STATE });

  test("is refused the admin area with a 403", async ({ page }) => {
    const res = await page.goto("/admin");
    expect(res?.status()).toBe(403);
    await expect(page.getByRole("heading", { name: "You don’t have access to this page" })).toBeVisible();
    const api = await page.request.get("/api/v1/customers");
    const body = await api.json();
    expect(body.data).toHaveLength(1);
  });

  test("creates an API key that authenticates API calls until it is revoked", async ({ page, playwright }) => {
    await page.goto("/api-keys");
    const name = `e2e key ${Date.now()}`;
    await page.getByLabel("Name").fill(name);
    await page.getByRole("button", { name: "Create key" }).click();
    const key = (await page.getByTestId("new-api-key").textContent())!.trim();
    expect(key).toMatch(/^tly_live_/);

    const api = await playwright.request.newContext({ baseURL: page.url().replace(/\/api-keys$/, "") });
    const ok = await api.get("/api/v1/customers", { headers: { Authorization: `Bearer ${key}` } });
    expect(ok.status()).toBe(200);
    expect((await ok.json()).data[0].name).toBe("Acme Corp");

    await page.reload();
    const row = page.getByRole("row", { name: new RegExp(name) });
    await expect(row.getByText("active")).toBeVisible();
    await row.getByRole("button", { name: `Revoke ${name}` }).click();
    await page
      .getByRole("dialog", { name: `Revoke “${name}”?` })
      .getByRole("button", { name: "Revoke key" })
      .click();
    await expect(row.getByText("revoked")).toBeVisible();

    const refused = await api.get("/api/v1/customers", { headers: { "x-api-key": key } });
    expect(refused.status()).toBe(401);
    await api.dispose();
  });

  test("changes through the API with the session cookie from the app's own page, and not from elsewhere", async ({
    page,
    baseURL,
  }) => {
    await page.goto("/billing");
    // The browser's own fetch carries Origin and Sec-Fetch-Site: same-origin; the link it gets is on APP_URL.
    const own = await page.evaluate(async () => {
      const res = await fetch("/api/v1/billing/portal", { method: "POST" });
      return { status: res.status, body: (await res.json()) as { url?: string } };
    });
    expect(own.status).toBe(200);
    expect(own.body.url?.startsWith(`${baseURL}/`)).toBe(true);
    // The same cookie on a request that shows no origin (or another one) is refused.
    const bare = await page.request.post("/api/v1/billing/portal");
    expect(bare.status()).toBe(403);
    expect((await bare.json()).error.message).toMatch(/Cross-origin request refused/);
    const foreign = await page.request.post("/api/v1/billing/portal", { headers: { origin: "https://evil.example" } });
    expect(foreign.status()).toBe(403);
  });
});

test.describe("admin", () => {
  test.use({ storageState: ADMIN_STATE });

  test("opens a customer's detail page from the list", async ({ page }) => {
    await page.goto("/admin");
    await page.getByRole("link", { name: "Globex" }).click();
    await expect(page.getByRole("heading", { name: "Globex" })).toBeVisible();
    await expect(page.getByText(/external id globex/)).toBeVisible();
    await expect(page.getByRole("heading", { name: "Subscription", exact: true })).toBeVisible();
  });
});
