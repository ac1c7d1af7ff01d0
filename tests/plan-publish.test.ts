// Publishing Tally plans to Stripe: product and flat recurring price created once, kept in step on
// edit (a new price for new terms, the old one archived), and never pulled back as another plan.
import { describe, expect, it } from "vitest";
import * as plansRoute from "@/app/api/v1/plans/route";
import * as planRoute from "@/app/api/v1/plans/[id]/route";
import * as archiveRoute from "@/app/api/v1/plans/[id]/archive/route";
import * as publishRoute from "@/app/api/v1/plans/[id]/publish/route";
import * as syncRoute from "@/app/api/v1/plans/sync/route";
import * as checkoutRoute from "@/app/api/v1/billing/checkout/route";
import { savePlanFromEditor } from "@/lib/catalog/plan-editor-save";
import { resetEnvCache } from "@/lib/env";
import { db } from "@/lib/db/client";
import { plans, subscriptions } from "@/lib/db/schema";
import { previewVersionMove } from "@/lib/payments/plan-version-move";
import { subscribe } from "@/lib/subscriptions/subscribe";
import { eq } from "drizzle-orm";
import { call, customerKey, makeOrg, makeUser, platformKey, sessionCookie, uid } from "./support/fixtures";
import { postStripeEvent, withStripeServer } from "./support/stripe-env";
import type { Obj } from "./support/stripe-server";

const WEBHOOK_SECRET = "whsec_plan_publish";
const stripe = withStripeServer({ STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET });

type PlanOut = {
  id: string;
  code: string;
  version: number;
  name: string;
  base_price: string;
  active: boolean;
  status: string;
  stripe_product_id: string | null;
  stripe_price_id: string | null;
  stripe_status: string;
  publish_outcome?: string;
  archived_price_id?: string | null;
};
type Publish = { status: string; outcome: string | null; message: string | null };
type Report = { created: number; versioned: number; updated: number; unchanged: number; plan_ids: string[] };

async function newPlan(key: string, overrides: Record<string, unknown> = {}) {
  const code = `pub-${uid()}`;
  const res = await call<PlanOut>(plansRoute.POST, "POST", "/api/v1/plans", {
    key,
    body: {
      code,
      name: `Voice Pro ${code}`,
      description: "For busy lines",
      interval: "month",
      currency: "usd",
      base_price: "49.00",
      trial_days: 14,
      included_credits: 1000,
      charges: [{ type: "fixed", name: "Support", amount: "10.00" }],
      ...overrides,
    },
  });
  expect(res.status).toBe(201);
  return res.json;
}

const publish = (key: string, id: string, extra: { cookie?: string } = {}) =>
  call<PlanOut & { error?: { code: string; message: string } }>(
    publishRoute.POST,
    "POST",
    `/api/v1/plans/${id}/publish`,
    { key: extra.cookie ? undefined : key, cookie: extra.cookie, params: { id } },
  );
/** PATCH /plans/{id}: an edit (a price change makes a new version). */
const edit = (key: string, id: string, body: Record<string, unknown>) =>
  call<PlanOut & { new_version: boolean; stripe_publish: Publish }>(planRoute.PATCH, "PATCH", `/api/v1/plans/${id}`, {
    key,
    params: { id },
    body,
  });
const getPlan = async (key: string, id: string) =>
  (await call<PlanOut>(planRoute.GET, "GET", `/api/v1/plans/${id}`, { key, params: { id } })).json;
const stripeObj = (id: string | null) => stripe.objects.get(id!)!;
const stripeWrites = () =>
  stripe.requests.filter((r) => r.method === "POST" && /^\/v1\/(products|prices)/.test(r.path)).length;

describe("publishing a plan to Stripe", () => {
  it("creates the product and a flat monthly price, linked to the plan, then writes nothing when published again", async () => {
    const key = await platformKey();
    const plan = await newPlan(key);
    expect(plan.stripe_status).toBe("not_published");

    const first = await publish(key, plan.id);
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({
      id: plan.id,
      version: 1,
      publish_outcome: "published",
      stripe_status: "in_step",
    });
    const product = stripeObj(first.json.stripe_product_id);
    const price = stripeObj(first.json.stripe_price_id);
    expect(product).toMatchObject({
      name: plan.name,
      description: "For busy lines",
      active: true,
      metadata: { tally_plan_code: plan.code },
    });
    // Only the base price: the fixed "Support" charge and usage are billed by Tally as invoice items.
    expect(price).toMatchObject({
      product: product.id,
      unit_amount: 4900,
      currency: "usd",
      recurring: { interval: "month" },
      active: true,
      lookup_key: plan.code,
      metadata: { tally_plan_code: plan.code, tally_plan_id: plan.id, tally_plan_version: "1" },
    });

    const writes = stripeWrites();
    const again = await publish(key, plan.id);
    expect(again.json).toMatchObject({
      publish_outcome: "unchanged",
      stripe_price_id: price.id,
      stripe_product_id: product.id,
      stripe_status: "in_step",
    });
    expect(stripeWrites()).toBe(writes);
    expect(stripe.list("price", (p) => p.product === product.id)).toHaveLength(1);
  });

  it("publishes a yearly plan in its currency's minor units", async () => {
    const key = await platformKey();
    const plan = await newPlan(key, { interval: "year", currency: "eur", base_price: "490.50" });
    const res = await publish(key, plan.id);
    expect(stripeObj(res.json.stripe_price_id)).toMatchObject({
      unit_amount: 49050,
      currency: "eur",
      recurring: { interval: "year" },
    });
  });

  it("gives a new price to the new version a price edit makes over the API, and archives the old price, at once", async () => {
    const key = await platformKey();
    const plan = await newPlan(key);
    const v1 = (await publish(key, plan.id)).json;

    const edited = await edit(key, plan.id, { base_price: "59.00" });
    expect(edited.status).toBe(200);
    expect(edited.json).toMatchObject({
      new_version: true,
      version: 2,
      stripe_product_id: v1.stripe_product_id,
      stripe_status: "in_step",
      stripe_publish: { status: "published", outcome: "updated", message: null },
    });
    expect(edited.json.stripe_price_id).not.toBe(v1.stripe_price_id);
    // Published again by hand: nothing left to do.
    const v2 = await publish(key, edited.json.id);
    expect(v2.json).toMatchObject({ publish_outcome: "unchanged", stripe_price_id: edited.json.stripe_price_id });
    expect(stripeObj(v2.json.stripe_price_id)).toMatchObject({
      unit_amount: 5900,
      active: true,
      lookup_key: plan.code,
      metadata: { tally_plan_version: "2" },
    });
    // The old price still bills its subscribers, but is sold to no one new.
    expect(stripeObj(v1.stripe_price_id)).toMatchObject({ unit_amount: 4900, active: false, lookup_key: null });
    expect(await getPlan(key, plan.id)).toMatchObject({
      version: 1,
      stripe_price_id: v1.stripe_price_id,
      stripe_status: "in_step",
    });
    // Publishing the old version is refused: its price has been replaced.
    const old = await publish(key, plan.id);
    expect(old.status).toBe(409);
    expect(old.json.error!.message).toMatch(/newer version/);
  });

  it("tells Stripe nothing when an API edit or archive touches a plan never published", async () => {
    const key = await platformKey();
    const plan = await newPlan(key);
    const writes = stripeWrites();
    const edited = await edit(key, plan.id, { base_price: "19.00" });
    expect(edited.json).toMatchObject({
      stripe_status: "not_published",
      stripe_publish: { status: "not_linked", outcome: null, message: null },
    });
    const archived = await call<PlanOut & { stripe_publish: Publish }>(
      archiveRoute.POST,
      "POST",
      `/api/v1/plans/${edited.json.id}/archive`,
      { key, params: { id: edited.json.id } },
    );
    expect(archived.json.stripe_publish.status).toBe("not_linked");
    expect(stripeWrites()).toBe(writes);
  });

  it("gives a version its own price even when only its credits changed, so its subscribers can be told apart", async () => {
    const key = await platformKey();
    const plan = await newPlan(key);
    const v1 = (await publish(key, plan.id)).json;
    const edited = await edit(key, plan.id, { included_credits: 2000 });
    expect(edited.json).toMatchObject({ version: 2, stripe_status: "in_step", stripe_publish: { outcome: "updated" } });
    const v2 = edited.json;
    expect(v2.stripe_price_id).not.toBe(v1.stripe_price_id);
    expect(stripeObj(v1.stripe_price_id).active).toBe(false);
    expect(stripeObj(v2.stripe_price_id)).toMatchObject({ unit_amount: 4900, metadata: { tally_plan_version: "2" } });
    expect((await publish(key, edited.json.id)).json.publish_outcome).toBe("unchanged");
  });

  it("lets Stripe subscribers of the old version be moved once the new version is published", async () => {
    const key = await platformKey();
    const plan = await newPlan(key, { trial_days: 0 });
    const v1 = (await publish(key, plan.id)).json;
    const org = await makeOrg(`Mover ${uid()}`);
    const sub = await subscribe(org.id, { plan: { id: v1.id }, actor: "test" });
    await db
      .update(subscriptions)
      .set({ provider: "stripe", stripeSubscriptionId: `sub_${uid()}` })
      .where(eq(subscriptions.id, sub.id));
    // Stripe is down while the price is edited: the new version has no Stripe price of its own yet.
    stripe.failAll(503);
    let v2;
    try {
      v2 = (await edit(key, plan.id, { base_price: "55.00" })).json;
    } finally {
      stripe.failAll(null);
    }
    expect(v2).toMatchObject({ stripe_status: "out_of_step", stripe_publish: { status: "failed" } });
    expect((await previewVersionMove(v2.id)).skipped).toEqual([
      expect.objectContaining({
        subscription_id: sub.id,
        skipped: expect.stringMatching(/no Stripe price of its own/),
      }),
    ]);
    await publish(key, v2.id);
    expect((await previewVersionMove(v2.id)).moves).toEqual([
      expect.objectContaining({ subscription_id: sub.id, from_price_cents: 4900, to_price_cents: 5500 }),
    ]);
  });

  it("renames the product in place: same price, no new version", async () => {
    const key = await platformKey();
    const plan = await newPlan(key);
    const first = (await publish(key, plan.id)).json;
    const renamed = await edit(key, plan.id, { name: "Voice Pro (2027)", description: "" });
    expect(renamed.json).toMatchObject({
      new_version: false,
      stripe_price_id: first.stripe_price_id,
      stripe_status: "in_step",
      stripe_publish: { status: "published", outcome: "updated" },
    });
    expect(stripeObj(first.stripe_product_id)).toMatchObject({ name: "Voice Pro (2027)", description: null });
    expect(stripe.list("price", (p) => p.product === first.stripe_product_id)).toHaveLength(1);
  });

  it("archives the price when the plan goes off sale, and a draft's price is not for sale", async () => {
    const key = await platformKey();
    const plan = await newPlan(key);
    const first = (await publish(key, plan.id)).json;
    const archived = await call<PlanOut & { stripe_publish: Publish }>(
      archiveRoute.POST,
      "POST",
      `/api/v1/plans/${plan.id}/archive`,
      { key, params: { id: plan.id } },
    );
    expect(archived.json).toMatchObject({
      status: "off_sale",
      stripe_price_id: first.stripe_price_id,
      stripe_status: "in_step",
      stripe_publish: { status: "published", outcome: "updated" },
    });
    expect(stripeObj(first.stripe_price_id).active).toBe(false);
    // On sale again over the API: the same price sells again.
    const back = await edit(key, plan.id, { active: true });
    expect(back.json).toMatchObject({
      status: "on_sale",
      stripe_status: "in_step",
      stripe_price_id: first.stripe_price_id,
    });
    expect(stripeObj(first.stripe_price_id).active).toBe(true);

    const draft = await newPlan(key, { status: "draft" });
    const d = await publish(key, draft.id);
    expect(d.json.stripe_status).toBe("in_step");
    expect(stripeObj(d.json.stripe_price_id).active).toBe(false);
  });

  it("publishes a free plan as a 0-amount price, so Stripe checkout can subscribe to it", async () => {
    const key = await platformKey();
    const plan = await newPlan(key, { base_price: "0" });
    const res = await publish(key, plan.id);
    expect(res.status).toBe(200);
    expect(stripeObj(res.json.stripe_price_id)).toMatchObject({ unit_amount: 0, recurring: { interval: "month" } });
  });

  it("is not pulled back by the plan sync as another plan, before or after its link is written", async () => {
    const key = await platformKey();
    const plan = await newPlan(key);
    const published = (await publish(key, plan.id)).json;
    const edited = (await edit(key, plan.id, { base_price: "69.00", name: "Renamed in Tally" })).json;
    // Pulled while Tally's edit is not yet published: the edit is kept, nothing is created.
    const before = await call<Report>(syncRoute.POST, "POST", "/api/v1/plans/sync", { key });
    expect(before.status).toBe(200);
    expect(before.json.created).toBe(0);
    expect(await getPlan(key, edited.id)).toMatchObject({ version: 2, name: "Renamed in Tally", base_price: "69.00" });

    await publish(key, edited.id);
    const after = await call<Report>(syncRoute.POST, "POST", "/api/v1/plans/sync", { key });
    expect(after.json).toMatchObject({ created: 0, versioned: 0, updated: 0 });
    expect(after.json.plan_ids).toContain(edited.id);
    expect(after.json.plan_ids).not.toContain(published.id);
    expect(await getPlan(key, edited.id)).toMatchObject({ version: 2, stripe_status: "in_step" });

    // A price Tally published whose link was never written (a crash between the two) is not a new plan either.
    stripe.createPrice({
      product: published.stripe_product_id!,
      unit_amount: 6900,
      recurring: { interval: "month" },
      metadata: { tally_plan_code: plan.code },
    });
    const orphan = await call<Report & { skipped: { reason: string }[] }>(
      syncRoute.POST,
      "POST",
      "/api/v1/plans/sync",
      {
        key,
      },
    );
    expect(orphan.json.created).toBe(0);
    expect(orphan.json.skipped.map((s) => s.reason)).toContainEqual(expect.stringMatching(/publish that plan again/));
  });

  it("is not made a plan by Stripe's webhooks for the objects publishing made", async () => {
    const key = await platformKey();
    const plan = await newPlan(key);
    const v1 = (await publish(key, plan.id)).json;
    const v2 = (await edit(key, plan.id, { base_price: "64.00", name: "Renamed before the hooks" })).json;
    await publish(key, v2.id);
    const linked = await getPlan(key, v2.id);
    const count = async () => (await db.select({ id: plans.id }).from(plans).where(eq(plans.code, plan.code))).length;
    const outcomes = [];
    for (const [type, id] of [
      ["price.created", linked.stripe_price_id],
      ["price.updated", v1.stripe_price_id],
      ["product.updated", linked.stripe_product_id],
    ] as const) {
      const res = await postStripeEvent(stripe.event(type, stripeObj(id)), WEBHOOK_SECRET);
      expect(res.status).toBe(200);
      outcomes.push(((await res.json()) as { outcome: string }).outcome);
    }
    expect(outcomes).toEqual(["plans_unchanged", "plans_skipped", "plans_skipped,unchanged"]);
    expect(await count()).toBe(2);
    expect(await getPlan(key, v2.id)).toMatchObject({ name: "Renamed before the hooks", stripe_status: "in_step" });
  });

  it("is for admins and platform keys only", async () => {
    const key = await platformKey();
    const plan = await newPlan(key);
    const org = await makeOrg();
    const member = await makeUser("member", org.id);
    const owner = await makeUser("owner", org.id);
    const admin = await makeUser("admin", null);
    for (const res of [
      await publish(await customerKey(org.id), plan.id),
      await publish("", plan.id, { cookie: await sessionCookie(member.id) }),
      await publish("", plan.id, { cookie: await sessionCookie(owner.id) }),
    ]) {
      expect(res.status).toBe(403);
      expect(res.json.error!.code).toBe("forbidden");
    }
    expect((await getPlan(key, plan.id)).stripe_price_id).toBeNull();
    expect(stripe.list("product", (p) => (p.metadata as Record<string, string>).tally_plan_code === plan.code)).toEqual(
      [],
    );
    const byAdmin = await publish("", plan.id, { cookie: await sessionCookie(admin.id) });
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.json.stripe_status).toBe("in_step");
  });

  it("answers 503 when Stripe is down and links nothing; publishing later finishes the job", async () => {
    const key = await platformKey();
    const plan = await newPlan(key);
    stripe.failAll(500);
    let res;
    try {
      res = await publish(key, plan.id);
    } finally {
      stripe.failAll(null);
    }
    expect(res.status).toBe(503);
    expect(res.json.error!.code).toBe("provider_unavailable");
    expect(res.headers.get("retry-after")).toBeTruthy();
    expect(await getPlan(key, plan.id)).toMatchObject({ stripe_price_id: null, stripe_status: "not_published" });

    // Stripe fails after making the product: the retry reuses it (idempotency key), one product in all.
    stripe.failNext(/POST \/v1\/prices$/, 500);
    expect((await publish(key, plan.id)).status).toBe(503);
    expect((await getPlan(key, plan.id)).stripe_product_id).toBeNull();
    const ok = await publish(key, plan.id);
    expect(ok.json).toMatchObject({ publish_outcome: "published", stripe_status: "in_step" });
    const products = stripe.list(
      "product",
      (p) => (p.metadata as Record<string, string>).tally_plan_code === plan.code,
    );
    expect(products.map((p: Obj) => p.id)).toEqual([ok.json.stripe_product_id]);
  });

  it("passes on Stripe's refusal as a 400 with its message, linking nothing", async () => {
    const key = await platformKey();
    const plan = await newPlan(key);
    stripe.failNext(/POST \/v1\/prices$/, 400, 1, {
      error: { type: "invalid_request_error", param: "currency", message: "Invalid currency: usd is not enabled." },
    });
    const res = await publish(key, plan.id);
    expect(res.status).toBe(400);
    expect(res.json.error!.message).toBe("Stripe refused the request: Invalid currency: usd is not enabled.");
    expect((await getPlan(key, plan.id)).stripe_price_id).toBeNull();
  });

  it("publishes a plan linked before product ids were kept to its price's own product", async () => {
    const key = await platformKey();
    const plan = await newPlan(key);
    const product = stripe.createProduct({ name: "Legacy product" });
    const price = stripe.createPrice({ product: product.id, unit_amount: 4900, recurring: { interval: "month" } });
    await db.update(plans).set({ stripePriceId: price.id }).where(eq(plans.id, plan.id));
    expect((await getPlan(key, plan.id)).stripe_status).toBe("unknown");
    const res = await publish(key, plan.id);
    expect(res.json).toMatchObject({
      publish_outcome: "updated",
      stripe_product_id: product.id,
      stripe_price_id: price.id,
      stripe_status: "in_step",
    });
    expect(stripeObj(product.id)).toMatchObject({ name: plan.name, description: "For busy lines" });
  });

  it("refuses with 409 when Stripe is not the payment rail", async () => {
    const key = await platformKey();
    const plan = await newPlan(key);
    const saved = process.env.STRIPE_SECRET_KEY;
    delete process.env.STRIPE_SECRET_KEY;
    resetEnvCache();
    try {
      const res = await publish(key, plan.id);
      expect(res.status).toBe(409);
      expect(res.json.error!.message).toMatch(/not this installation's payment rail \(PAYMENTS=(sandbox|invoice)\)/);
    } finally {
      process.env.STRIPE_SECRET_KEY = saved;
      resetEnvCache();
    }
  });
});

describe("saving a published plan in the editor", () => {
  const editorInput = (p: PlanOut, basePrice: string) => ({
    id: p.id,
    name: p.name,
    description: "For busy lines",
    self_serve: true,
    interval: "month" as const,
    currency: "usd",
    base_price: basePrice,
    trial_days: 14,
    included_credits: 1000,
    limits: [],
    charges: [{ type: "fixed" as const, name: "Support", amount: "10.00" }],
    billing_threshold: null,
  });

  it("publishes the new version at once: new price linked, old price archived", async () => {
    const key = await platformKey();
    const plan = await newPlan(key);
    const v1 = (await publish(key, plan.id)).json;
    const saved = await savePlanFromEditor({ kind: "edit", input: editorInput(v1, "79.00") }, "user:test");
    expect(saved).toMatchObject({ newVersion: true, stripe: { status: "published", outcome: "updated" } });
    const v2 = await getPlan(key, saved.plan.id);
    expect(v2).toMatchObject({ version: 2, stripe_status: "in_step", stripe_product_id: v1.stripe_product_id });
    expect(stripeObj(v2.stripe_price_id)).toMatchObject({ unit_amount: 7900, active: true });
    expect(stripeObj(v1.stripe_price_id).active).toBe(false);
  });

  it("keeps the edit when Stripe is down: saved, out of step, published later", async () => {
    const key = await platformKey();
    const plan = await newPlan(key);
    const v1 = (await publish(key, plan.id)).json;
    stripe.failAll(503);
    let saved;
    try {
      saved = await savePlanFromEditor({ kind: "edit", input: editorInput(v1, "89.00") }, "user:test");
    } finally {
      stripe.failAll(null);
    }
    expect(saved.stripe).toMatchObject({ status: "failed", reason: "stripe_unavailable" });
    const v2 = await getPlan(key, saved.plan.id);
    expect(v2).toMatchObject({
      version: 2,
      base_price: "89.00",
      stripe_price_id: v1.stripe_price_id,
      stripe_status: "out_of_step",
    });
    expect(stripeObj(v1.stripe_price_id).active).toBe(true);
    const later = await publish(key, v2.id);
    expect(later.json).toMatchObject({ stripe_status: "in_step", archived_price_id: v1.stripe_price_id });
    expect(stripeObj(later.json.stripe_price_id).unit_amount).toBe(8900);
  });

  it("leaves a plan never published alone", async () => {
    const key = await platformKey();
    const plan = await newPlan(key);
    const writes = stripeWrites();
    const saved = await savePlanFromEditor({ kind: "edit", input: editorInput(plan, "99.00") }, "user:test");
    expect(saved.stripe).toEqual({ status: "not_linked" });
    expect(stripeWrites()).toBe(writes);
    expect((await getPlan(key, saved.plan.id)).stripe_status).toBe("not_published");
  });

  it("sells the new terms only once Stripe has them: checkout waits for the publish", async () => {
    const key = await platformKey();
    const plan = await newPlan(key);
    const v1 = (await publish(key, plan.id)).json;
    stripe.failAll(503);
    let saved;
    try {
      saved = await savePlanFromEditor({ kind: "edit", input: editorInput(v1, "39.00") }, "user:test");
    } finally {
      stripe.failAll(null);
    }
    const org = await makeOrg();
    const cookie = await sessionCookie((await makeUser("owner", org.id)).id);
    const buy = () =>
      call<{ error?: { message: string } }>(checkoutRoute.POST, "POST", "/api/v1/billing/checkout", {
        cookie,
        body: { plan_id: saved.plan.id },
      });
    // Stripe would charge 49.00 for a plan shown at 39.00: refused, nothing opened at Stripe.
    const refused = await buy();
    expect(refused.status).toBe(409);
    expect(refused.json.error!.message).toMatch(/price at Stripe is not yet the one shown here/);
    const v2 = (await publish(key, saved.plan.id)).json;
    expect((await buy()).status).toBe(201);
    const sent = stripe.requests.filter((r) => r.path === "/v1/checkout/sessions").at(-1)!;
    expect(sent.body).toMatchObject({ line_items: [{ price: v2.stripe_price_id, quantity: "1" }] });
  });
});
