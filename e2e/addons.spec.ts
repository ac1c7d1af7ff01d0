import { expect, test } from "@playwright/test";
import { ADMIN_STATE, signUpNewOrg, subscribeToEnterprise } from "./support";

test("an operator creates an add-on; a customer buys it on /billing and sees it on the upcoming invoice and its feature on the plan summary", async ({
  browser,
  page,
}) => {
  const code = `seat-${Date.now()}`;
  const admin = await browser.newContext({ storageState: ADMIN_STATE });
  const op = await admin.newPage();
  await op.goto("/admin");
  const origin = new URL(op.url()).origin;
  const feature = await op.request.post("/api/v1/features", {
    headers: { origin },
    data: { key: `seats_${Date.now()}`, kind: "numeric", name: "Team seats", unit: "seat" },
  });
  expect(feature.status()).toBe(201);
  const { key } = (await feature.json()) as { key: string };
  const created = await op.request.post("/api/v1/addons", {
    headers: { origin },
    data: {
      code,
      name: "Extra seats pack",
      kind: "recurring",
      interval: "month",
      price: "9",
      max_quantity: 5,
      features: [{ feature: key, value: 3 }],
    },
  });
  expect(created.status()).toBe(201);
  await admin.close();

  await signUpNewOrg(page);
  await subscribeToEnterprise(page);

  await page.getByRole("button", { name: "Add Extra seats pack" }).click();
  // The page re-renders with the add-on held (the Add button leaves the "Available" list).
  await expect(page.getByTestId("held-addon")).toContainText("Extra seats pack × 1");
  await expect(page.getByTestId("upcoming-addon-fee")).toContainText("$9.00");
  await expect(page.getByTestId("upcoming-line").filter({ hasText: "Extra seats pack added" })).toBeVisible();
  // The plan summary lists the add-on's feature with its value.
  await expect(page.getByText("Team seats", { exact: true }).locator("..")).toContainText("3 seats");
});

test("a customer moving to a plan that does not offer its add-on is told so before confirming, and keeps it to the period's end", async ({
  browser,
  page,
}, testInfo) => {
  const code = `ent-seat-${Date.now()}`;
  const admin = await browser.newContext({ storageState: ADMIN_STATE });
  const op = await admin.newPage();
  await op.goto("/admin");
  const created = await op.request.post("/api/v1/addons", {
    headers: { origin: new URL(op.url()).origin },
    data: {
      code,
      name: "Enterprise seats",
      kind: "recurring",
      interval: "month",
      price: "15",
      plan_codes: ["enterprise-monthly"],
    },
  });
  expect(created.status()).toBe(201);
  await admin.close();

  await signUpNewOrg(page);
  await subscribeToEnterprise(page);
  await page.getByRole("button", { name: "Add Enterprise seats" }).click();
  await expect(page.getByTestId("held-addon")).toContainText("Enterprise seats × 1");

  await page.getByRole("button", { name: "Switch to Professional (monthly)" }).click();
  const dialog = page.getByRole("dialog", { name: "Confirm plan change" });
  const note = dialog.getByTestId("addons-removed");
  await expect(note).toContainText("not offered with Professional and will be removed when it starts");
  await expect(note).toContainText(
    "Enterprise seats × 1 — it is not offered with the plan Professional (professional-monthly)",
  );
  await page.screenshot({ path: testInfo.outputPath("plan-change-removes-addon.png") });
  await dialog.getByRole("button", { name: "Confirm" }).click();
  await expect(
    page.getByRole("status").filter({ hasText: "Professional starts when your current period ends." }),
  ).toBeVisible();
  // Held (and billed) until Enterprise's period ends.
  await page.reload();
  await expect(page.getByTestId("held-addon")).toContainText("Enterprise seats × 1");
});
