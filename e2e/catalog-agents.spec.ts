import { expect, test } from "@playwright/test";
import { ADMIN_STATE, OWNER_STATE } from "./support";

// Several saves through server actions: slow on a loaded machine.
test.describe.configure({ timeout: 240_000 });

test("an admin creates a plan with a graduated usage charge, assigns it to an agent, and the customer sees the call's cost", async ({
  browser,
  playwright,
  baseURL,
}) => {
  const admin = await browser.newPage({ storageState: ADMIN_STATE });
  const code = `voice-tiered-${Date.now()}`;

  // 1. The plan, with a graduated charge: the first 10 minutes free, then $0.10 a minute.
  await admin.goto("/admin/plans/new");
  await admin.getByLabel("Code").fill(code);
  await admin.getByLabel("Name", { exact: true }).fill("Voice Tiered");
  await admin.getByRole("button", { name: "Add usage charge" }).click();
  await admin.getByLabel("Meter").selectOption("voice_minutes");
  await admin.getByLabel("Price model").selectOption("graduated");
  await admin.getByLabel("Tier 1 up to").fill("10");
  await admin.getByLabel("Unit price").nth(0).fill("0");
  await admin.getByLabel("Unit price").nth(1).fill("0.10");
  await admin.getByRole("button", { name: "Create draft" }).click();
  await expect(admin.getByRole("heading", { name: "Voice Tiered" })).toBeVisible({ timeout: 60_000 });
  await expect(admin.getByText("Graduated — 1–10: $0.00 / unit · 11+: $0.10 / unit")).toBeVisible();
  // A new plan is a draft; it is put on sale (after a confirmation) before an agent can be put on it.
  await admin.getByRole("button", { name: "Put on sale", exact: true }).click();
  await admin.getByRole("dialog").getByRole("button", { name: "Put on sale", exact: true }).click();
  await expect(admin.getByText("On sale", { exact: true }).first()).toBeVisible({ timeout: 60_000 });

  // 2. Assigned to Acme's agent that had no plan.
  await admin.goto("/admin/monitoring");
  await admin.getByRole("link", { name: "Sales bot" }).click();
  await admin.waitForURL(/\/admin\/agents\/agt_/);
  const agentId = admin.url().split("/").pop()!;
  await admin.getByLabel("Assign plan").selectOption({ label: `Voice Tiered (${code} v1)` });
  await admin.getByLabel("Comments").fill("Tiered pricing for outbound calls");
  await admin.getByRole("button", { name: "Save plan" }).click();
  await expect(admin.getByRole("status")).toHaveText("Plan assigned.");
  await admin.reload();
  await expect(admin.getByText("Tiered pricing for outbound calls")).toBeVisible();

  // 3. A call over the API with a platform key made on the admin page: 25 minutes → 15 × $0.10.
  await admin.goto("/admin/api-keys");
  await admin.getByLabel("Name").fill(`e2e ${code}`);
  await admin.getByRole("button", { name: "Create key" }).click();
  const key = (await admin.getByTestId("new-api-key").textContent())!.trim();
  const api = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { Authorization: `Bearer ${key}` } });
  const started = await api.post("/api/v1/calls", { data: { agent_id: agentId } });
  expect(started.status()).toBe(201);
  const callId = (await started.json()).id;
  const finalized = await api.post(`/api/v1/calls/${callId}/finalize-cost`, {
    data: { usage_metrics: { voice_minutes: 25 } },
  });
  expect(await finalized.json()).toMatchObject({ cost: "1.50", cost_cents: 150 });
  await api.dispose();

  // 4. The customer sees it on the agent's page.
  const owner = await browser.newPage({ storageState: OWNER_STATE });
  await owner.goto("/agents");
  await owner.getByRole("link", { name: "Sales bot" }).click();
  await expect(owner.getByText("Voice Tiered v1").first()).toBeVisible();
  await expect(owner.getByTestId("call-cost").first()).toHaveText("$1.50");
  await admin.close();
  await owner.close();
});
