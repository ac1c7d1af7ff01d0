// Stripe.js on the page. This machine cannot reach Stripe's servers, so:
//  - the app runs a second time, on its own port and embedded database, with PAYMENTS=stripe pointed
//    at the Stripe-shaped test server (tests/support/stripe-server.ts, the real SDK talks to it);
//  - the Stripe.js script URL (https://js.stripe.com/…, which @stripe/stripe-js injects) is answered
//    by a small stand-in that records the publishable key and the client secrets it was given and
//    renders a fake form. What is asserted is the page's wiring — that it loaded Stripe.js with the
//    right key and mounted the session/SetupIntent the server made — not Stripe's own form.
// The stand-in's "Pay" and "Save card" do at the test server what Stripe would (pay the session,
// confirm the SetupIntent), and payment arrives as a signed webhook, as from Stripe.
import { expect, test, type Page } from "@playwright/test";
import Stripe from "stripe";
import { workers } from "../playwright.config";
import { StripeServer } from "../tests/support/stripe-server";
import { ADMIN, OWNER, OWNER_STATE, signIn } from "./support";
import { startStripeModeApp, type StripeModeApp } from "./stripe-mode";

// The port after the workers' servers (E2E_PORT, E2E_PORT + 1, … one per worker).
const PORT = Number(process.env.E2E_STRIPE_PORT || Number(process.env.E2E_PORT || 3100) + workers);
const BASE = `http://127.0.0.1:${PORT}`;
const PUBLISHABLE = "pk_test_e2e_in_page";
const WEBHOOK_SECRET = "whsec_e2e_in_page";

/** What the stand-in saw, read back from the page. */
type StandInCalls = { keys: string[]; api: string[]; checkoutSecrets: string[]; elementsSecrets: string[] };

// Stripe.js's stand-in: records what the page gave it, renders a fake form in place of Stripe's iframe.
const STAND_IN = `(() => {
  const calls = (window.__stripeStandIn = { keys: [], api: [], checkoutSecrets: [], elementsSecrets: [] });
  const style = "border:1px dashed #a1a1aa;border-radius:8px;padding:16px;font:14px system-ui;display:grid;gap:8px";
  const field = (label, value) => '<label style="display:grid;gap:2px">' + label + '<input value="' + value + '" style="border:1px solid #d4d4d8;border-radius:6px;padding:6px"></label>';
  const embedded = (name) => async (opts) => {
    calls.api.push(name);
    calls.checkoutSecrets.push(opts.clientSecret);
    return {
      mount(el) {
        const node = typeof el === "string" ? document.querySelector(el) : el;
        node.innerHTML = '<div data-testid="stand-in-checkout" style="' + style + '"><strong>Stand-in for Stripe Embedded Checkout</strong>' +
          field("Email", "owner@acme.example") + field("Card number", "4242 4242 4242 4242") + field("Expiry", "12 / 34") +
          '<button type="button" style="background:#4f46e5;color:#fff;border-radius:6px;padding:8px">Pay</button></div>';
        node.querySelector("button").onclick = async () => location.assign(await window.standInPay(opts.clientSecret));
      },
      unmount() {},
      destroy() {},
    };
  };
  window.Stripe = function (key) {
    calls.keys.push(key);
    return {
      createEmbeddedCheckoutPage: embedded("createEmbeddedCheckoutPage"),
      initEmbeddedCheckout: embedded("initEmbeddedCheckout"),
      elements(opts) {
        calls.elementsSecrets.push(opts.clientSecret);
        return {
          create(type) {
            calls.api.push("elements.create:" + type);
            return {
              mount(el) {
                el.innerHTML = '<div data-testid="stand-in-payment-element" style="' + style + '"><strong>Stand-in for the Payment Element</strong>' +
                  field("Card number", "5555 5555 5555 4444") + field("Expiry", "12 / 34") + field("CVC", "123") + '</div>';
              },
              destroy() {},
            };
          },
        };
      },
      async confirmSetup(opts) {
        calls.api.push("confirmSetup:" + opts.redirect);
        const id = await window.standInConfirmSetup(calls.elementsSecrets.at(-1));
        return { setupIntent: { id, status: "succeeded" } };
      },
    };
  };
})();`;

const stripe = new StripeServer();
const signer = new Stripe("sk_test_signing_only");
let app: StripeModeApp | undefined;

async function deliver(event: Record<string, unknown>) {
  const payload = JSON.stringify(event);
  const res = await fetch(`${BASE}/api/webhooks/stripe`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "stripe-signature": signer.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }),
    },
    body: payload,
  });
  expect(res.status).toBe(200);
}

/** Stripe.js answered by the stand-in; its Pay and Save card act at the test server as Stripe would. */
async function standIn(page: Page) {
  const scripts: string[] = [];
  await page.route("https://js.stripe.com/**", (route) => {
    scripts.push(route.request().url());
    return route.fulfill({ contentType: "application/javascript", body: STAND_IN });
  });
  await page.exposeFunction("standInPay", async (secret: string) => {
    const session = stripe.byClientSecret(secret)!;
    const { session: paid } = stripe.payCheckout(session.id);
    await deliver(stripe.event("checkout.session.completed", paid));
    return String(session.return_url);
  });
  await page.exposeFunction("standInConfirmSetup", async (secret: string) => {
    const si = stripe.byClientSecret(secret)!;
    const { setupIntent } = stripe.confirmSetupIntent(si.id, { brand: "mastercard", last4: "4444" });
    return setupIntent.id;
  });
  return scripts;
}

const calls = (page: Page) =>
  page.evaluate(() => (window as unknown as { __stripeStandIn: StandInCalls }).__stripeStandIn);

test.describe("with Stripe configured", () => {
  test.describe.configure({ mode: "serial", timeout: 120_000 });
  test.use({ baseURL: BASE, storageState: { cookies: [], origins: [] } });

  test.beforeAll(async () => {
    test.setTimeout(240_000);
    app = await startStripeModeApp(stripe, {
      port: PORT,
      name: "stripe",
      env: {
        AUTH_SECRET: "e2e-secret-e2e-secret-e2e-secret-0001",
        SIGN_UPS_PER_IP: "1000",
        STRIPE_PUBLISHABLE_KEY: PUBLISHABLE,
        STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      },
    });
  });

  test.afterAll(async () => {
    await app?.stop();
  });

  test("a credit pack is paid in Embedded Checkout inside the page, with the key and the session's client secret", async ({
    page,
  }, testInfo) => {
    const scripts = await standIn(page);
    await signIn(page, OWNER);
    await page.goto("/credits");
    expect(scripts).toEqual([]); // nothing loads Stripe.js before a checkout asks for it
    await page.getByTestId("pack-credits-1k").getByRole("button", { name: "Buy for $10.00" }).click();
    const dialog = page.getByRole("dialog", { name: "Checkout" });
    await expect(dialog.getByTestId("stand-in-checkout")).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath("embedded-checkout.png") });

    // The page loaded Stripe.js with the publishable key and mounted the session Tally created.
    const session = stripe.list("checkout.session").at(-1)!;
    expect(session).toMatchObject({ ui_mode: "embedded_page", mode: "payment", url: null });
    const seen = await calls(page);
    expect(seen.keys).toEqual([PUBLISHABLE]);
    expect(seen.checkoutSecrets).toEqual([session.client_secret]);
    expect(scripts[0]).toMatch(/^https:\/\/js\.stripe\.com\//);

    await dialog.getByRole("button", { name: "Pay", exact: true }).click();
    await expect(page).toHaveURL(/\/billing\?checkout=return&session=cs_/);
    await expect(page.getByText("Payment received. Your credits appear on the Credits page")).toBeVisible();
    await page.goto("/credits");
    await expect(page.getByTestId("pack-credits-1k")).toBeVisible();
  });

  test("a card is added in the page through the Payment Element on a SetupIntent, and becomes the default", async ({
    page,
  }, testInfo) => {
    await standIn(page);
    await signIn(page, OWNER);
    await page.goto("/billing");
    await page.getByRole("button", { name: /^(Add a card|Replace card)$/ }).click();
    await expect(page.getByTestId("stand-in-payment-element")).toBeVisible();
    await page.getByRole("form", { name: "Card details" }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: testInfo.outputPath("card-form.png"), fullPage: true });

    const si = stripe.list("setup_intent").at(-1)!;
    const seen = await calls(page);
    expect(seen.keys).toEqual([PUBLISHABLE]);
    expect(seen.elementsSecrets).toEqual([si.client_secret]);
    expect(seen.api).toContain("elements.create:payment");

    await page.getByRole("button", { name: "Save card" }).click();
    await expect(page.getByRole("status").filter({ hasText: "card ending 4444 is charged from now on" })).toBeVisible();
    expect((await calls(page)).api).toContain("confirmSetup:if_required");
    await expect(page.getByText(/4444/).first()).toBeVisible();
  });

  test("when Stripe.js cannot load, checkout falls back to Stripe's hosted page", async ({ page }) => {
    await page.route("https://js.stripe.com/**", (route) => route.abort());
    await page.route("https://checkout.stripe.test/**", (route) =>
      route.fulfill({ contentType: "text/html", body: "<h1>Stripe hosted checkout (stand-in)</h1>" }),
    );
    await signIn(page, OWNER);
    await page.goto("/credits");
    await page.getByTestId("pack-credits-1k").getByRole("button", { name: "Buy for $10.00" }).click();
    await expect(page).toHaveURL(/^https:\/\/checkout\.stripe\.test\/c\/pay\/cs_/);
    const [embedded, hosted] = stripe.list("checkout.session").slice(-2);
    expect(embedded).toMatchObject({ ui_mode: "embedded_page" });
    expect(hosted).toMatchObject({ ui_mode: "hosted_page", success_url: expect.stringContaining("checkout=success") });
  });

  test("an admin publishes a plan made in Tally to Stripe from its page, and sees it in step", async ({ page }) => {
    await signIn(page, ADMIN);
    await page.goto("/admin/plans");
    const row = page.getByRole("row").filter({ hasText: "Not on Stripe" }).first();
    await expect(row).toBeVisible();
    await row.getByRole("link").first().click();
    const card = page.getByRole("region", { name: "Stripe" });
    await expect(card.getByText("Not on Stripe")).toBeVisible();
    await expect(card.getByText(/Only the flat recurring base price becomes a Stripe price/)).toBeVisible();
    await card.getByRole("button", { name: "Publish to Stripe" }).click();
    await expect(card.getByRole("status")).toHaveText(/^Published: Stripe price price_/);
    await page.reload();
    await expect(card.getByText("In step with Stripe")).toBeVisible();
    await card.screenshot({ path: test.info().outputPath("plan-stripe-card.png") });
    const priceId = (await card.getByTestId("stripe-price-id").textContent())!.trim();
    expect(stripe.objects.get(priceId)).toMatchObject({ active: true, type: "recurring" });
    await card.getByRole("button", { name: "Publish again" }).click();
    await expect(card.getByRole("status")).toHaveText("Already in step with Stripe: nothing to change.");
  });
});

test.describe("with Stripe off (the sandbox)", () => {
  test.use({ storageState: OWNER_STATE });

  test("no page loads Stripe.js, and buying a pack opens the sandbox's checkout", async ({ page }) => {
    const stripeJs: string[] = [];
    page.on("request", (r) => {
      if (r.url().includes("js.stripe.com")) stripeJs.push(r.url());
    });
    await page.goto("/billing");
    await expect(page.getByRole("button", { name: /Add a card|Replace card/ })).toHaveCount(0);
    await page.goto("/credits");
    await page.getByTestId("pack-credits-1k").getByRole("button", { name: "Buy for $10.00" }).click();
    await expect(page).toHaveURL(/\/sandbox\/checkout\//);
    expect(stripeJs).toEqual([]);
  });
});
