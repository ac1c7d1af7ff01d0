import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { Webhook } from "standardwebhooks";
import { ADMIN_STATE, signUpNewOrg } from "./support";

// Issue 20: an owner adds a webhook endpoint pointing at a receiver this test starts on loopback,
// copies the secret shown once, sends a test event, sees it delivered in the log with the answer's
// status, opens the delivery (request headers, body, response) and replays it. The receiver checks
// every request with the standardwebhooks library's own verifier.

type Got = { headers: Record<string, string>; body: string };

test.use({ storageState: { cookies: [], origins: [] } });

test("an owner adds an endpoint, sends a test event, reads its delivery and replays it", async ({ page }) => {
  test.setTimeout(120_000);
  const received: Got[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({
        headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
        body: Buffer.concat(chunks).toString("utf8"),
      });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ received: true, n: received.length }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tally-hooks`;
  try {
    await signUpNewOrg(page, `Hooks ${Date.now()}`);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Webhooks" }).click();
    await expect(page.getByRole("heading", { name: "Webhooks", level: 1 })).toBeVisible();
    await expect(page.getByText("No endpoints yet")).toBeVisible();

    await page.getByLabel("URL", { exact: true }).fill(url);
    await page.getByLabel("Description (optional)").fill("Receiver in the test");
    await page.getByRole("checkbox", { name: /Invoice paid/ }).check();
    await page.getByRole("checkbox", { name: /Trial ends in 3 days/ }).check();
    await page.getByRole("button", { name: "Add endpoint" }).click();

    const secretBox = page.getByTestId("webhook-secret");
    await expect(secretBox).toHaveText(/^whsec_/);
    const secret = (await secretBox.textContent())!.trim();
    await expect(page.getByText("it will not be shown again")).toBeVisible();
    const table = page.getByRole("table", { name: "Webhook endpoints" });
    await expect(table.getByRole("row").filter({ hasText: url })).toContainText(
      "invoice.paid, subscription.trial_ending",
    );
    await expect(table.getByRole("row").filter({ hasText: url })).toContainText("enabled");

    await page.getByRole("link", { name: "Open the endpoint" }).click();
    await expect(page.getByRole("heading", { name: "Receiver in the test", level: 1 })).toBeVisible();
    // Shown once: the endpoint's own page never shows it.
    await expect(page.getByText(secret)).toHaveCount(0);
    await expect(page.getByText("No deliveries yet")).toBeVisible();

    await page.getByRole("button", { name: "Send test event" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Test event queued" })).toBeVisible();
    // The worker is kicked right after the event is written: the receiver has it within a second or two.
    await expect.poll(() => received.length, { timeout: 15_000 }).toBe(1);
    const first = received[0]!;
    const payload = new Webhook(secret).verify(first.body, first.headers) as {
      type: string;
      data: { endpoint_id: string };
    };
    expect(payload.type).toBe("webhook.test");
    expect(page.url()).toContain(payload.data.endpoint_id);
    const endpointPath = new URL(page.url()).pathname;

    const row = page.getByTestId("webhook-delivery-row").first();
    await expect(async () => {
      await page.reload();
      await expect(row).toContainText("delivered", { timeout: 1_000 });
    }).toPass({ timeout: 15_000 });
    await expect(row).toContainText("HTTP 200");
    await expect(row).toContainText("webhook.test");

    await row.getByRole("link", { name: /webhook\.test/ }).click();
    await expect(page.getByRole("heading", { name: "webhook.test", level: 1 })).toBeVisible();
    const headers = page.getByTestId("webhook-request-headers");
    await expect(headers).toContainText(first.headers["webhook-id"]!);
    await expect(headers).toContainText(first.headers["webhook-timestamp"]!);
    await expect(headers).toContainText(first.headers["webhook-signature"]!);
    // The body pretty-printed, as sent.
    await expect(page.getByTestId("webhook-request-body")).toContainText('"type": "webhook.test"');
    const response = page.getByTestId("webhook-response");
    await expect(response).toContainText("200");
    await expect(response).toContainText(/\d+ ms/);
    await expect(page.getByLabel("Response body (first 2 KB)")).toContainText('"received":true');

    await page.getByRole("button", { name: "Replay webhook.test" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Replayed" })).toBeVisible();
    await expect.poll(() => received.length, { timeout: 15_000 }).toBe(2);
    const again = received[1]!;
    expect(again.headers["webhook-id"]).toBe(first.headers["webhook-id"]);
    expect(new Webhook(secret).verify(again.body, again.headers)).toMatchObject({ type: "webhook.test" });

    // The log shows the replay as a second delivery.
    await expect(page.getByRole("link", { name: /← Receiver in the test/ })).toHaveAttribute("href", endpointPath);
    await page.goto(endpointPath);
    await expect(async () => {
      await page.reload();
      await expect(page.getByTestId("webhook-delivery-row")).toHaveCount(2, { timeout: 1_000 });
      await expect(page.getByTestId("webhook-delivery-row").first()).toContainText("replay", { timeout: 1_000 });
    }).toPass({ timeout: 15_000 });
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

test("the admin adds an endpoint for a customer from its page; the customer's owner sees it as their own", async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  const { orgName } = await signUpNewOrg(page, `Support Hooks ${Date.now()}`);
  const url = `https://hooks.example.com/support-${Date.now()}`;
  const admin = await browser.newPage({ storageState: ADMIN_STATE });
  try {
    await admin.goto(`/admin?q=${encodeURIComponent(orgName)}`);
    await admin.getByTestId("customer-row").filter({ hasText: orgName }).getByRole("link").first().click();
    await expect(admin.getByRole("heading", { name: orgName, level: 1 })).toBeVisible();
    await admin.getByText("Add an endpoint for this customer").click();
    await admin.getByLabel("URL", { exact: true }).fill(url);
    await admin.getByLabel("Description (optional)").fill("Set up by support");
    await admin.getByRole("button", { name: "Add endpoint" }).click();
    await expect(admin.getByTestId("webhook-secret")).toHaveText(/^whsec_/);
    await expect(
      admin.getByRole("table", { name: "Customer's webhook endpoints" }).getByRole("row").filter({ hasText: url }),
    ).toContainText("enabled");

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Webhooks" }).click();
    await expect(
      page.getByRole("table", { name: "Webhook endpoints" }).getByRole("row").filter({ hasText: url }),
    ).toBeVisible();
  } finally {
    await admin.close();
  }
});
