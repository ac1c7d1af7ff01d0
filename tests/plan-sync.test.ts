import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as sync from "@/app/api/v1/plans/sync/route";
import * as syncOne from "@/app/api/v1/plans/sync/[plan_id]/route";
import * as importRoute from "@/app/api/v1/plans/import/route";
import * as plan from "@/app/api/v1/plans/[id]/route";
import { resetEnvCache } from "@/lib/env";
import { call, makeMeter, platformKey, uid } from "./support/fixtures";
import { StripeServer } from "./support/stripe-server";

type Report = {
  synced_count: number;
  plan_ids: string[];
  created: number;
  updated: number;
  versioned: number;
  unchanged: number;
  archived: number;
  skipped: { price_id: string }[];
};
type PlanOut = {
  id: string;
  code: string;
  version: number;
  tier: string;
  interval: string;
  base_price: string;
  active: boolean;
  stripe_price_id: string;
  included_credits: number;
  trial_days: number;
  source: string;
  name: string;
  charges: unknown[];
};

const stripe = new StripeServer();

beforeAll(async () => {
  await stripe.start();
  Object.assign(process.env, stripe.env());
  resetEnvCache();
});
afterAll(async () => {
  for (const k of Object.keys(stripe.env())) delete process.env[k];
  resetEnvCache();
  await stripe.stop();
});

describe("plan sync from Stripe", () => {
  it("creates a plan per recurring price, then changes nothing when run again", async () => {
    const key = await platformKey();
    const product = stripe.createProduct({
      name: `Growth ${uid()}`,
      description: "For teams",
      metadata: { tally_tier: "growth", included_credits: "5000" },
    });
    const monthly = stripe.createPrice({
      product: product.id,
      unit_amount: 4900,
      recurring: { interval: "month", trial_period_days: 14 },
    });
    const yearly = stripe.createPrice({ product: product.id, unit_amount: 49000, recurring: { interval: "year" } });
    stripe.createPrice({ product: product.id, unit_amount: 500, recurring: { interval: "week" } });

    const first = await call<Report>(sync.POST, "POST", "/api/v1/plans/sync", { key });
    expect(first.status).toBe(200);
    expect(first.json.created).toBeGreaterThanOrEqual(2);
    expect(first.json.skipped.map((s) => s.price_id)).not.toContain(monthly.id);
    const created = await Promise.all(
      first.json.plan_ids.map(
        async (id) => (await call<PlanOut>(plan.GET, "GET", `/api/v1/plans/${id}`, { key, params: { id } })).json,
      ),
    );
    const m = created.find((p) => p.stripe_price_id === monthly.id)!;
    expect(m).toMatchObject({
      tier: "growth",
      interval: "month",
      base_price: "49.00",
      included_credits: 5000,
      trial_days: 14,
      source: "stripe",
      version: 1,
    });
    expect(created.find((p) => p.stripe_price_id === yearly.id)).toMatchObject({
      interval: "year",
      base_price: "490.00",
    });

    const second = await call<Report>(sync.POST, "POST", "/api/v1/plans/sync", { key });
    expect(second.json).toMatchObject({ created: 0, updated: 0, versioned: 0, archived: 0 });
    expect(second.json.plan_ids.sort()).toEqual(first.json.plan_ids.sort());
  });

  it("makes a new version when the product gets a new price, and keeps the old version's row", async () => {
    const key = await platformKey();
    const product = stripe.createProduct({ name: `Scale ${uid()}` });
    const old = stripe.createPrice({ product: product.id, unit_amount: 9900, recurring: { interval: "month" } });
    await call(sync.POST, "POST", "/api/v1/plans/sync", { key });
    stripe.put({ ...old, active: false });
    const replacement = stripe.createPrice({
      product: product.id,
      unit_amount: 11900,
      recurring: { interval: "month" },
    });
    const res = await call<Report>(sync.POST, "POST", "/api/v1/plans/sync", { key });
    expect(res.json.versioned).toBe(1);
    const all = await Promise.all(
      res.json.plan_ids.map(
        async (pid) =>
          (await call<PlanOut>(plan.GET, "GET", `/api/v1/plans/${pid}`, { key, params: { id: pid } })).json,
      ),
    );
    const current = all.find((p) => p.stripe_price_id === replacement.id)!;
    expect(current).toMatchObject({ version: 2, base_price: "119.00", active: true });
    const again = await call<Report>(sync.POST, "POST", "/api/v1/plans/sync", { key });
    expect(again.json).toMatchObject({ versioned: 0, updated: 0, created: 0 });
  });

  it("renames in place, syncs one plan on request, and takes an archived price off sale", async () => {
    const key = await platformKey();
    const product = stripe.createProduct({ name: `Solo ${uid()}` });
    const price = stripe.createPrice({ product: product.id, unit_amount: 900, recurring: { interval: "month" } });
    const first = await call<Report>(sync.POST, "POST", "/api/v1/plans/sync", { key });
    const planId = (
      await Promise.all(
        first.json.plan_ids.map(
          async (id) => (await call<PlanOut>(plan.GET, "GET", `/api/v1/plans/${id}`, { key, params: { id } })).json,
        ),
      )
    ).find((p) => p.stripe_price_id === price.id)!.id;
    stripe.put({ ...product, name: "Solo (renamed)" });
    const one = await call<Report>(syncOne.POST, "POST", `/api/v1/plans/sync/${planId}`, {
      key,
      params: { plan_id: planId },
    });
    expect(one.json).toMatchObject({ updated: 1, plan_ids: [planId] });
    expect(
      (await call<PlanOut>(plan.GET, "GET", `/api/v1/plans/${planId}`, { key, params: { id: planId } })).json,
    ).toMatchObject({ name: "Solo (renamed)", version: 1 });
    stripe.put({ ...price, active: false });
    const archived = await call<Report>(syncOne.POST, "POST", `/api/v1/plans/sync/${planId}`, {
      key,
      params: { plan_id: planId },
    });
    expect(archived.json.archived).toBe(1);
    expect(
      (await call<PlanOut>(plan.GET, "GET", `/api/v1/plans/${planId}`, { key, params: { id: planId } })).json.active,
    ).toBe(false);
  });

  it("answers 503 when Stripe fails, and changes nothing", async () => {
    const key = await platformKey();
    stripe.failNext(/GET \/v1\/prices/, 500);
    const res = await call<{ error: { code: string } }>(sync.POST, "POST", "/api/v1/plans/sync", { key });
    expect(res.status).toBe(503);
    expect(res.json.error.code).toBe("provider_unavailable");
  });
});

describe("plan import (FlexPrice JSON)", () => {
  it("imports the guide's premium plan, then changes nothing when imported again, and versions on a new rate", async () => {
    const key = await platformKey();
    const minutes = await makeMeter();
    const source = `plan_${uid()}`;
    const doc = (rate: number) => ({
      plans: [
        {
          id: source,
          name: "Premium Plan",
          description: "Voice minutes and a monthly fee",
          currency: "usd",
          charges: [
            { type: "usage", name: "Voice Minutes", usage_metric: minutes.code, rate },
            { type: "fixed", name: "Monthly Fee", amount: 10.0 },
          ],
        },
      ],
    });
    const first = await call<Report>(importRoute.POST, "POST", "/api/v1/plans/import", { key, body: doc(0.05) });
    expect(first.json).toMatchObject({ synced_count: 1, created: 1 });
    const p = (
      await call<PlanOut>(plan.GET, "GET", `/api/v1/plans/${first.json.plan_ids[0]}`, {
        key,
        params: { id: first.json.plan_ids[0]! },
      })
    ).json;
    expect(p.source).toBe("import");
    expect(p.charges).toEqual([
      { type: "usage", meter: minutes.code, name: "Voice Minutes", model: "per_unit", unit_price: "0.05" },
      { type: "fixed", name: "Monthly Fee", amount: "10" },
    ]);
    const again = await call<Report>(importRoute.POST, "POST", "/api/v1/plans/import", { key, body: doc(0.05) });
    expect(again.json).toMatchObject({ created: 0, versioned: 0, unchanged: 1, plan_ids: first.json.plan_ids });
    const repriced = await call<Report>(importRoute.POST, "POST", "/api/v1/plans/import", { key, body: doc(0.06) });
    expect(repriced.json.versioned).toBe(1);
  });

  it("refuses the whole import when one plan names an unknown meter, naming the field", async () => {
    const key = await platformKey();
    const minutes = await makeMeter();
    const body = {
      plans: [
        { id: `ok_${uid()}`, name: "Fine", charges: [{ type: "usage", usage_metric: minutes.code, rate: "0.01" }] },
        {
          id: `bad_${uid()}`,
          name: "Broken",
          charges: [{ type: "usage", usage_metric: "no_such_meter", rate: "0.01" }],
        },
      ],
    };
    const res = await call<{ error: { details: { field: string }[] } }>(
      importRoute.POST,
      "POST",
      "/api/v1/plans/import",
      { key, body },
    );
    expect(res.status).toBe(400);
    expect(res.json.error.details[0]!.field).toBe("plans.1.charges.0.usage_metric");
    const retry = await call<Report>(importRoute.POST, "POST", "/api/v1/plans/import", {
      key,
      body: { plans: [body.plans[0]] },
    });
    expect(retry.json.created).toBe(1); // the first plan was not half-imported before
  });
});
