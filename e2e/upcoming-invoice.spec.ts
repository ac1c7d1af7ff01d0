import { expect, test } from "@playwright/test";
import { signUpNewOrg } from "./support";

const money = (cents: number) =>
  `$${(cents / 100).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

test("usage sent over the API appears on the billing page's upcoming invoice, and when the period closes on the issued invoice with the same amounts", async ({
  page,
  request,
}) => {
  await signUpNewOrg(page);
  await page.goto("/billing");
  await page.getByRole("button", { name: "Choose Enterprise (monthly)" }).click();
  await page.getByLabel("Card number").fill("4242 4242 4242 4242");
  await page.getByRole("button", { name: "Pay $299.00" }).click();
  await expect(page).toHaveURL(/\/billing\?checkout=success/);

  // Before any usage: the next period's fee, nothing else.
  const upcoming = page.getByTestId("upcoming-invoice");
  await expect(upcoming).toContainText("What you will pay on");
  await expect(page.getByTestId("upcoming-total")).toHaveText("$299.00");
  await expect(upcoming).toContainText("No usage yet this period.");

  await page.goto("/api-keys");
  await page.getByLabel("Name").fill(`upcoming e2e ${Date.now()}`);
  await page.getByRole("button", { name: "Create key" }).click();
  const key = (await page.getByTestId("new-api-key").textContent())!.trim();
  const run = Date.now();
  const sent = await request.post("/api/v1/events/bulk", {
    headers: { authorization: `Bearer ${key}` },
    data: {
      events: [1, 2, 3].map((i) => ({
        event_id: `e2e-up-${run}-${i}`,
        event_name: "llm_call",
        properties: { model: "gpt-4", input_tokens: 400_000, output_tokens: 90_000 },
      })),
    },
  });
  expect(sent.status()).toBe(202);

  // The page refreshes on its own as usage arrives (no reload).
  await page.goto("/billing");
  const res = await request.get("/api/v1/billing/upcoming-invoice", { headers: { authorization: `Bearer ${key}` } });
  expect(res.status()).toBe(200);
  const before = await res.json();
  expect(before.lines.length).toBeGreaterThan(0);
  const more = await request.post("/api/v1/events/bulk", {
    headers: { authorization: `Bearer ${key}` },
    data: {
      events: [
        {
          event_id: `e2e-up-${run}-4`,
          event_name: "llm_call",
          properties: { model: "gpt-4", input_tokens: 100_000, output_tokens: 10_000 },
        },
      ],
    },
  });
  expect(more.status()).toBe(202);
  const after = await (
    await request.get("/api/v1/billing/upcoming-invoice", { headers: { authorization: `Bearer ${key}` } })
  ).json();
  expect(after.total_so_far_cents).toBeGreaterThan(before.total_so_far_cents);
  await expect(page.getByTestId("upcoming-total")).toHaveText(money(after.total_so_far_cents), { timeout: 25_000 });
  const lines = page.getByTestId("upcoming-line");
  await expect(lines).toHaveCount(after.lines.length);
  for (const l of after.lines) await expect(upcoming).toContainText(money(l.amount_cents));
  await page.screenshot({ path: "test-results/upcoming-invoice.png", fullPage: true });

  // The period closes (the customer ends the subscription now): its usage is invoiced, the same amounts.
  const closed = await request.post("/api/v1/billing/subscription/cancel", {
    headers: { authorization: `Bearer ${key}` },
    data: { at_period_end: false },
  });
  expect(closed.status()).toBe(200);
  await page.goto("/billing");
  const usageTotal = after.lines.reduce((s: number, l: { amount_cents: number }) => s + l.amount_cents, 0);
  const row = page
    .getByRole("table", { name: "Invoices" })
    .getByRole("row", { name: new RegExp(money(usageTotal).replace(/[$.]/g, "\\$&")) });
  await expect(row).toHaveCount(1);
  await row.getByRole("link", { name: "View" }).click();
  await expect(page.getByRole("heading", { name: /Invoice TLY-\d{6}/ })).toBeVisible();
  for (const l of after.lines) {
    await expect(
      page.getByRole("row", { name: new RegExp(l.description.slice(0, 20).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")) }),
    ).toContainText(money(l.amount_cents));
  }
  const pdf = await page.request.get((await page.getByRole("link", { name: "Download PDF" }).getAttribute("href"))!);
  expect(pdf.headers()["content-type"]).toBe("application/pdf");
});
