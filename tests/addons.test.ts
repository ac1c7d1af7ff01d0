// Add-ons: the operator's catalog, a customer buying, changing and removing them (prorated on the
// period's invoice, billed with the plan fee from the next period on), one-time add-ons charged
// once, credit top-ups granted once per window, the add-on layer of entitlements, and who may do it.
import { and, asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as addonsRoute from "@/app/api/v1/addons/route";
import * as addonOne from "@/app/api/v1/addons/[id]/route";
import * as billingAddons from "@/app/api/v1/billing/addons/route";
import * as entitlementList from "@/app/api/v1/entitlements/route";
import * as entitlementCheck from "@/app/api/v1/entitlements/[feature]/route";
import * as featuresRoute from "@/app/api/v1/features/route";
import { db } from "@/lib/db/client";
import { creditGrants, invoiceLines, invoices, subscriptionHistory, subscriptions } from "@/lib/db/schema";
import { addSandboxCard } from "@/lib/payments/payment-methods";
import { rollOverSubscriptions } from "@/lib/subscriptions/rollover";
import { subscribe } from "@/lib/subscriptions/subscribe";
import { afterPeriodStarted } from "@/lib/subscriptions/hooks";
import { call, customerKey, makeOrg, makePlan, makeUser, platformKey, sessionCookie, uid } from "./support/fixtures";
import { invalidateMeters } from "@/lib/metering/meters";
import { makeMeter } from "./support/metering";

type Json = Record<string, unknown>;
type Issue = { field: string; message: string };
const fieldsOf = (json: Json) => ((json.error as { details?: Issue[] })?.details ?? []).map((d) => d.field);

async function makeAddon(body: Json) {
  const res = await call<Json>(addonsRoute.POST, "POST", "/api/v1/addons", {
    key: await platformKey(),
    body: { code: `addon-${uid()}`, name: "Extra seat", kind: "recurring", interval: "month", price: "10", ...body },
  });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return res.json as { id: string; code: string };
}

async function makeFeature(kind: "boolean" | "numeric") {
  const key = `f_${uid()}`;
  const res = await call(featuresRoute.POST, "POST", "/api/v1/features", {
    key: await platformKey(),
    body: { key, kind, name: key },
  });
  expect(res.status).toBe(201);
  return key;
}

/** An owner on a local (sandbox-card) subscription started at `start` on a 30-day month (June). */
async function customer(plan: { id: string }, start = new Date("2026-06-01T00:00:00Z")) {
  const org = await makeOrg();
  const user = await makeUser("owner", org.id);
  await db.transaction((tx) => addSandboxCard(tx, org.id, { number: "4242424242424242" }));
  const sub = await subscribe(org.id, { plan, actor: "test", now: start, skipTrial: true, provider: "local" });
  return { org, sub, cookie: await sessionCookie(user.id) };
}

const setQuantity = (cookie: string, addon: string, quantity: number, extra: Json = {}) =>
  call<Json>(billingAddons.POST, "POST", "/api/v1/billing/addons", { cookie, body: { addon, quantity, ...extra } });

/** Calls with a clock: the change happens at `at`. */
async function setQuantityAt(orgId: string, addon: string, quantity: number, at: Date) {
  const { setAddonQuantity } = await import("@/lib/addons/subscription-addons");
  return setAddonQuantity(orgId, addon, quantity, "test", at);
}

describe("add-on catalog", () => {
  it("an operator creates, lists and archives add-ons; an archived one is sold no more", async () => {
    const a = await makeAddon({ price: "12.50", max_quantity: 10 });
    const list = await call<{ data: { id: string; price_cents: number }[] }>(addonsRoute.GET, "GET", "/api/v1/addons", {
      key: await platformKey(),
    });
    expect(list.json.data.find((x) => x.id === a.id)?.price_cents).toBe(1250);
    const archived = await call<Json>(addonOne.PATCH, "PATCH", `/api/v1/addons/${a.id}`, {
      key: await platformKey(),
      params: { id: a.code },
      body: { archived: true },
    });
    expect(archived.json).toMatchObject({ archived: true });
    const plan = await makePlan();
    const { cookie } = await customer(plan);
    const res = await setQuantity(cookie, a.code, 1);
    expect(res.status).toBe(400);
    expect(fieldsOf(res.json)).toEqual(["addon"]);
  });

  it("refuses bad add-ons with 4xx naming the field, and a customer cannot create one", async () => {
    const key = await platformKey();
    const bad = async (body: Json) =>
      call<Json>(addonsRoute.POST, "POST", "/api/v1/addons", {
        key,
        body: { code: `addon-${uid()}`, name: "X", kind: "recurring", interval: "month", price: "1", ...body },
      });
    expect(fieldsOf((await bad({ kind: "one_time" })).json)).toEqual(["interval"]);
    expect(fieldsOf((await bad({ interval: "week" })).json)).toEqual(["interval"]);
    expect(fieldsOf((await bad({ price: "1.234" })).json)).toEqual(["price"]);
    expect(fieldsOf((await bad({ features: [{ feature: `nope_${uid()}`, value: 1 }] })).json)).toEqual([
      "features.0.feature",
    ]);
    expect(fieldsOf((await bad({ limits: [{ meter: `nope_${uid()}`, limit: 5 }] })).json)).toEqual(["limits.0.meter"]);
    const a = await makeAddon({});
    const dup = await bad({ code: a.code });
    expect([dup.status, fieldsOf(dup.json)]).toEqual([409, ["code"]]);
    const org = await makeOrg();
    const asCustomer = await call(addonsRoute.POST, "POST", "/api/v1/addons", {
      key: await customerKey(org.id),
      body: { code: `addon-${uid()}`, name: "X", kind: "one_time", price: "1" },
    });
    expect(asCustomer.status).toBe(403);
  });
});

describe("buying and removing add-ons (local provider)", () => {
  it("prorates an add-on bought and removed mid-period onto the period's invoice, and bills it with the plan fee from the next period on", async () => {
    const plan = await makePlan({ basePriceCents: 2900 });
    const addon = await makeAddon({ price: "10", max_quantity: 5 });
    const { org, sub } = await customer(plan);
    // 3 units on 16 June (15 of 30 days left): 3 × 10.00 × ½ = 15.00.
    const bought = await setQuantityAt(org.id, addon.code, 3, new Date("2026-06-16T00:00:00Z"));
    expect(bought).toMatchObject({
      from_quantity: 0,
      quantity: 3,
      charge_kind: "proration",
      amount_cents: 1500,
      applied: true,
    });
    // Down to 1 on 25 June (6 days left): 2 × 10.00 × 6/30 = −4.00.
    const lowered = await setQuantityAt(org.id, addon.code, 1, new Date("2026-06-25T00:00:00Z"));
    expect(lowered).toMatchObject({ from_quantity: 3, quantity: 1, amount_cents: -400 });
    // The same quantity again changes nothing and charges nothing.
    expect(await setQuantityAt(org.id, addon.code, 1, new Date("2026-06-26T00:00:00Z"))).toMatchObject({
      applied: false,
      amount_cents: 0,
    });

    const inv = await upcomingAt(org.id, new Date("2026-06-26T00:00:00Z"));
    expect(inv.lines.filter((l) => l.kind === "addon").map((l) => l.amount_cents)).toEqual([1500, -400]);
    expect(inv.addon_charges_cents).toBe(1100);
    expect(inv.addon_fees).toEqual([expect.objectContaining({ addon_id: addon.id, quantity: 1, amount_cents: 1000 })]);
    expect(inv.total_so_far_cents).toBe(2900 + 1000 + 1100);

    // The period ends: its invoice carries the plan fee, the add-on's fee for July and June's prorations.
    await rollOverSubscriptions(new Date("2026-07-01T00:00:01Z"));
    const lines = await invoiceLinesOf(sub.id, new Date("2026-07-01T00:00:00Z"));
    expect(lines.map((l) => l.amountCents).sort((a, b) => a - b)).toEqual([-400, 1000, 1500, 2900]);
    expect(lines.find((l) => l.amountCents === 1000)?.description).toMatch(/Extra seat × 1 \(monthly\)/);
    // …once: a second rollover pass bills nothing again, and July's invoice has no June prorations.
    await rollOverSubscriptions(new Date("2026-07-01T00:00:02Z"));
    expect(await invoiceLinesOf(sub.id, new Date("2026-07-01T00:00:00Z"))).toHaveLength(4);
    const july = await upcomingAt(org.id, new Date("2026-07-10T00:00:00Z"));
    expect(july.lines.filter((l) => l.kind === "addon")).toEqual([]);
  });

  it("charges a one-time add-on once per purchase, and grants its credits once", async () => {
    const plan = await makePlan();
    const addon = await makeAddon({ kind: "one_time", interval: null, price: "49", credits: 500, max_quantity: 3 });
    const { org, sub } = await customer(plan);
    const at = new Date("2026-06-10T00:00:00Z");
    expect(await setQuantityAt(org.id, addon.code, 2, at)).toMatchObject({
      charge_kind: "one_time",
      amount_cents: 9800,
      credits_granted: 1000,
    });
    // Removing it gives nothing back; buying it again later is a new purchase.
    expect(await setQuantityAt(org.id, addon.code, 0, at)).toMatchObject({ amount_cents: 0, charge_kind: null });
    expect(await setQuantityAt(org.id, addon.code, 1, new Date("2026-06-11T00:00:00Z"))).toMatchObject({
      amount_cents: 4900,
      credits_granted: 500,
    });
    const inv = await upcomingAt(org.id, new Date("2026-06-12T00:00:00Z"));
    expect(inv.lines.filter((l) => l.kind === "addon").map((l) => l.amount_cents)).toEqual([9800, 4900]);
    expect(inv.addon_fees).toEqual([]); // one-time: nothing recurs
    const grants = await db.select().from(creditGrants).where(eq(creditGrants.orgId, org.id));
    expect(grants.map((g) => g.amount).sort()).toEqual([1000, 500]);
    expect(sub.id).toBeTruthy();
  });

  it("grants a monthly credit top-up once per period, whatever the quantity moves or the hook re-runs", async () => {
    const plan = await makePlan();
    const addon = await makeAddon({ name: "Top-up", price: "5", credits: 100, max_quantity: 3 });
    const { org, sub } = await customer(plan);
    const credits = async () =>
      (await db.select().from(creditGrants).where(eq(creditGrants.orgId, org.id))).reduce((s, g) => s + g.amount, 0);
    await setQuantityAt(org.id, addon.code, 1, new Date("2026-06-05T00:00:00Z"));
    expect(await credits()).toBe(100);
    await setQuantityAt(org.id, addon.code, 2, new Date("2026-06-06T00:00:00Z"));
    expect(await credits()).toBe(200);
    // Removed and added again in the same period: its units were granted already.
    await setQuantityAt(org.id, addon.code, 0, new Date("2026-06-07T00:00:00Z"));
    await setQuantityAt(org.id, addon.code, 2, new Date("2026-06-08T00:00:00Z"));
    expect(await credits()).toBe(200);
    // The period-start hook running again inside the period grants nothing more.
    const [fresh] = await db.select().from(subscriptions).where(eq(subscriptions.id, sub.id));
    await db.transaction((tx) => afterPeriodStarted(tx, fresh!, plan, new Date("2026-06-09T00:00:00Z")));
    expect(await credits()).toBe(200);
    // The next period: 2 units' top-up, once.
    await rollOverSubscriptions(new Date("2026-07-01T00:00:01Z"));
    await rollOverSubscriptions(new Date("2026-07-01T00:00:02Z"));
    expect(await credits()).toBe(400);
  });

  it("grants a yearly subscription's add-on top-up every month by the job, once a month", async () => {
    const { allocateDueAddonCredits } = await import("@/lib/addons/credits");
    const plan = await makePlan({ interval: "year", basePriceCents: 29000 });
    const addon = await makeAddon({
      name: "Yearly top-up",
      interval: "year",
      price: "50",
      credits: 100,
      max_quantity: 3,
    });
    const { org } = await customer(plan);
    const credits = async () =>
      (await db.select().from(creditGrants).where(eq(creditGrants.orgId, org.id))).reduce((s, g) => s + g.amount, 0);
    await setQuantityAt(org.id, addon.code, 2, new Date("2026-06-05T00:00:00Z"));
    expect(await credits()).toBe(200); // June's window
    // July: no period starts and no quantity moves; the job grants July's window, once.
    await allocateDueAddonCredits(new Date("2026-07-10T00:00:00Z"));
    await allocateDueAddonCredits(new Date("2026-07-11T00:00:00Z"));
    expect(await credits()).toBe(400);
    await allocateDueAddonCredits(new Date("2026-08-02T00:00:00Z"));
    expect(await credits()).toBe(600);
    // Each month's credits last that month.
    const ends = (await db.select().from(creditGrants).where(eq(creditGrants.orgId, org.id))).map((g) =>
      g.expiresAt?.toISOString(),
    );
    expect(ends.sort()).toEqual(["2026-07-01T00:00:00.000Z", "2026-08-01T00:00:00.000Z", "2026-09-01T00:00:00.000Z"]);
  });

  it("refuses a quantity above the maximum, an add-on for other plans or intervals, naming the field; a trial adds it free", async () => {
    const plan = await makePlan();
    const yearly = await makeAddon({ interval: "year" });
    const other = await makeAddon({ plan_codes: ["some-other-plan"] });
    const capped = await makeAddon({ max_quantity: 2 });
    const { cookie } = await customer(plan);
    for (const [addon, quantity, field] of [
      [yearly.code, 1, "addon"],
      [other.code, 1, "addon"],
      [capped.code, 3, "quantity"],
      [`nope-${uid()}`, 1, "addon"],
    ] as const) {
      const res = await setQuantity(cookie, addon, quantity);
      expect([res.status, fieldsOf(res.json)], addon).toEqual([400, [field]]);
    }
    const trialPlan = await makePlan({ trialDays: 14 });
    const trialOrg = await makeOrg();
    await subscribe(trialOrg.id, { plan: { id: trialPlan.id }, actor: "test" });
    expect(await setQuantityAt(trialOrg.id, capped.code, 2, new Date())).toMatchObject({
      amount_cents: 0,
      applied: true,
    });
  });
});

describe("a plan change re-checks the add-ons (local provider)", () => {
  const held = async (subId: string) =>
    (await db.select().from(subscriptions).where(eq(subscriptions.id, subId)))[0]!.addonCents;
  const historyComments = async (subId: string) =>
    (
      await db
        .select({ action: subscriptionHistory.action, comment: subscriptionHistory.comment })
        .from(subscriptionHistory)
        .where(eq(subscriptionHistory.subscriptionId, subId))
    ).filter((h) => h.action === "addon_changed" && h.comment);

  it("an upgrade to a plan that does not offer an add-on removes it at once, listed in the preview with its credit", async () => {
    const { changePlan, previewPlanChange } = await import("@/lib/payments/lifecycle");
    const basic = await makePlan({ basePriceCents: 2900 });
    const pro = await makePlan({ basePriceCents: 9900 });
    const onlyBasic = await makeAddon({ name: "Basic seat", price: "10", max_quantity: 5, plan_codes: [basic.code] });
    const anyPlan = await makeAddon({ name: "Support", price: "5" });
    const { org, sub } = await customer(basic);
    await setQuantityAt(org.id, onlyBasic.code, 2, new Date("2026-06-01T00:00:00Z"));
    await setQuantityAt(org.id, anyPlan.code, 1, new Date("2026-06-01T00:00:00Z"));
    expect(await held(sub.id)).toBe(2500);

    // On 16 June, 15 of 30 days are left: 2 × 10.00 × ½ = 10.00 back.
    const at = new Date("2026-06-16T00:00:00Z");
    const preview = await previewPlanChange(org.id, pro.id, at);
    expect(preview).toMatchObject({ effective: "now" });
    expect(preview.addons_removed).toEqual([
      {
        addon: onlyBasic.code,
        name: "Basic seat",
        quantity: 2,
        reason: `it is not offered with the plan ${pro.name} (${pro.code})`,
        amount_cents: -1000,
        amount: "-10.00",
      },
    ]);
    await changePlan(org.id, pro.id, "test", at);
    // Only the add-on that fits stays; its fee is the subscription's add-on fee from now on.
    expect(await held(sub.id)).toBe(500);
    const inv = await upcomingAt(org.id, new Date("2026-06-17T00:00:00Z"));
    expect(inv.addon_fees.map((f) => f.addon_id)).toEqual([anyPlan.id]);
    expect(inv.lines.filter((l) => l.kind === "addon").map((l) => l.amount_cents)).toEqual([2000, 500, -1000]);
    expect((await historyComments(sub.id)).map((h) => h.comment)).toEqual([
      `Removed with the plan change: Basic seat: it is not offered with the plan ${pro.name} (${pro.code})`,
    ]);

    // July's invoice: Pro's fee, the add-on that stayed, and June's add-on lines — the removed one's credit once.
    await rollOverSubscriptions(new Date("2026-07-01T00:00:01Z"));
    const lines = await invoiceLinesOf(sub.id, new Date("2026-07-01T00:00:00Z"));
    expect(lines.map((l) => l.amountCents).sort((a, b) => a - b)).toEqual([-1000, 500, 500, 2000, 9900]);
  });

  it("a downgrade scheduled to a plan that does not offer an add-on keeps it to the period's end, then removes it before billing the new period", async () => {
    const { changePlan, previewPlanChange } = await import("@/lib/payments/lifecycle");
    const basic = await makePlan({ basePriceCents: 2900 });
    const pro = await makePlan({ basePriceCents: 9900 });
    const onlyPro = await makeAddon({ name: "Pro seat", price: "20", plan_codes: [pro.code] });
    const { org, sub } = await customer(pro);
    await setQuantityAt(org.id, onlyPro.code, 1, new Date("2026-06-01T00:00:00Z"));

    const at = new Date("2026-06-16T00:00:00Z");
    const preview = await previewPlanChange(org.id, basic.id, at);
    expect(preview).toMatchObject({ effective: "period_end" });
    expect(preview.addons_removed).toEqual([expect.objectContaining({ addon: onlyPro.code, amount_cents: 0 })]);
    await changePlan(org.id, basic.id, "test", at);
    expect(await held(sub.id)).toBe(2000); // still held until the period ends

    await rollOverSubscriptions(new Date("2026-07-01T00:00:01Z"));
    expect(await held(sub.id)).toBe(0);
    // July is billed at Basic's fee with no add-on fee; nothing is credited for June (it was used).
    const lines = await invoiceLinesOf(sub.id, new Date("2026-07-01T00:00:00Z"));
    expect(lines.map((l) => l.amountCents).sort((a, b) => a - b)).toEqual([2000, 2900]);
    expect((await historyComments(sub.id)).map((h) => h.comment)).toEqual([
      `Removed with the plan change: Pro seat: it is not offered with the plan ${basic.name} (${basic.code})`,
    ]);
    const july = await upcomingAt(org.id, new Date("2026-07-10T00:00:00Z"));
    expect(july.addon_fees).toEqual([]);
  });
});

describe("add-on entitlements", () => {
  it("adds the add-ons' features and limits to the plan's: numbers sum, booleans turn on, limits add", async () => {
    const seats = await makeFeature("numeric");
    const sso = await makeFeature("boolean");
    const meter = await makeMeter({ aggregation: "count" });
    const { insertPlan } = await import("@/lib/catalog/seed-catalog");
    const plan = await insertPlan({
      code: `p-${uid()}`,
      tier: "t",
      name: "Team",
      interval: "month",
      currency: "usd",
      basePriceCents: 1000,
      features: [
        { feature: seats, value: 5 },
        { feature: sso, value: false },
      ],
      limits: [{ meter: meter.code, limit: 1000, enforcement: "hard" }],
    });
    const extraSeats = await makeAddon({ features: [{ feature: seats, value: 1 }], max_quantity: 10 });
    const ssoAddon = await makeAddon({ features: [{ feature: sso, value: true }] });
    const calls = await makeAddon({ limits: [{ meter: meter.code, limit: 500 }], max_quantity: 4 });
    const { org, cookie } = await customer(plan, new Date());
    const list = async () =>
      (
        await call<{ data: { feature: string; value: unknown; source: string }[] }>(
          entitlementList.GET,
          "GET",
          "/api/v1/entitlements",
          { cookie },
        )
      ).json.data;
    const pick = (d: { feature: string; value: unknown; source: string }[]) =>
      Object.fromEntries(
        d.filter((x) => [seats, sso, meter.code].includes(x.feature)).map((x) => [x.feature, [x.value, x.source]]),
      );
    expect(pick(await list())).toEqual({ [seats]: [5, "plan"], [sso]: [false, "plan"], [meter.code]: [1000, "plan"] });

    for (const [a, q] of [
      [extraSeats.code, 3],
      [ssoAddon.code, 1],
      [calls.code, 2],
    ] as const)
      expect((await setQuantity(cookie, a, q)).status).toBe(200);
    expect(pick(await list())).toEqual({
      [seats]: [8, "add_on"],
      [sso]: [true, "add_on"],
      [meter.code]: [2000, "add_on"],
    });
    const check = async (feature: string, quantity?: number) =>
      (
        await call<Json>(
          entitlementCheck.GET,
          "GET",
          `/api/v1/entitlements/${feature}${quantity ? `?quantity=${quantity}` : ""}`,
          {
            cookie,
            params: { feature },
          },
        )
      ).json;
    expect(await check(seats, 8)).toMatchObject({ allowed: true, value: 8, source: "add_on" });
    expect(await check(seats, 9)).toMatchObject({ allowed: false, reason: "below_quantity" });
    expect(await check(sso)).toMatchObject({ allowed: true, value: true, source: "add_on" });
    invalidateMeters(); // the meter index is a 5-second cache that may have been loading while the meter was made
    expect(await check(meter.code)).toMatchObject({ limit: 2000 });

    // Removed: back to the plan's.
    await setQuantity(cookie, extraSeats.code, 0);
    expect(await check(seats, 6)).toMatchObject({ allowed: false, value: 5, source: "plan" });
    expect(org.id).toBeTruthy();
  });
});

describe("who may change add-ons", () => {
  it("an owner buys, a member only reads, and nobody buys for another customer; an operator acts for one by customer_id", async () => {
    const plan = await makePlan();
    const addon = await makeAddon({ max_quantity: 5 });
    const a = await customer(plan, new Date());
    const b = await customer(plan, new Date());
    const member = await sessionCookie((await makeUser("member", a.org.id)).id);
    const asMember = await setQuantity(member, addon.code, 1);
    expect(asMember.status).toBe(403);
    const read = await call<{ data: unknown[]; available: { id: string }[] }>(
      billingAddons.GET,
      "GET",
      "/api/v1/billing/addons",
      {
        cookie: member,
      },
    );
    expect(read.status).toBe(200);
    expect(read.json.available.map((x) => x.id)).toContain(addon.id);

    // A's owner naming B, and A's key naming B: refused, and B holds nothing.
    expect((await setQuantity(a.cookie, addon.code, 1, { customer_id: b.org.id })).status).toBe(403);
    const viaKey = await call(billingAddons.POST, "POST", "/api/v1/billing/addons", {
      key: await customerKey(a.org.id),
      body: { addon: addon.code, quantity: 1, customer_id: b.org.id },
    });
    expect(viaKey.status).toBe(403);
    const heldB = async () =>
      (
        await call<{ data: { quantity: number }[] }>(billingAddons.GET, "GET", "/api/v1/billing/addons", {
          cookie: b.cookie,
        })
      ).json.data;
    expect(await heldB()).toEqual([]);

    // An operator attaches it for B (platform key with customer_id), idempotently by key.
    const op = await platformKey();
    const attach = () =>
      call<Json>(billingAddons.POST, "POST", "/api/v1/billing/addons", {
        key: op,
        headers: { "idempotency-key": `attach-${b.org.id}` },
        body: { addon: addon.code, quantity: 2, customer_id: b.org.id, reason: "Agreed in the renewal call" },
      });
    const first = await attach();
    expect(first.json).toMatchObject({ applied: true, quantity: 2 });
    const again = await attach();
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect((await heldB()).map((h) => h.quantity)).toEqual([2]);
    // Who changed what and why is in the subscription's history, once.
    const history = await db
      .select()
      .from(subscriptionHistory)
      .where(and(eq(subscriptionHistory.orgId, b.org.id), eq(subscriptionHistory.action, "addon_changed")));
    expect(history.map((h) => [h.comment, h.details])).toEqual([
      [
        "Agreed in the renewal call",
        expect.objectContaining({ addon_code: addon.code, from_quantity: 0, quantity: 2 }),
      ],
    ]);
    // A preview changes nothing.
    const preview = await setQuantity(b.cookie, addon.code, 4, { preview: true });
    expect(preview.json).toMatchObject({ applied: false, quantity: 4, from_quantity: 2 });
    expect((await heldB()).map((h) => h.quantity)).toEqual([2]);
  });
});

type UpcomingLine = { kind: string; amount_cents: number };
type Upcoming = {
  lines: UpcomingLine[];
  addon_fees: { addon_id: string; quantity: number; amount_cents: number }[];
  addon_charges_cents: number;
  total_so_far_cents: number;
};

async function upcomingAt(orgId: string, at: Date): Promise<Upcoming> {
  const { upcomingInvoice } = await import("@/lib/payments/upcoming-invoice");
  return (await upcomingInvoice(orgId, at)) as unknown as Upcoming;
}

async function invoiceLinesOf(subscriptionId: string, periodStart: Date) {
  const [inv] = await db
    .select()
    .from(invoices)
    .where(and(eq(invoices.subscriptionId, subscriptionId), eq(invoices.periodStart, periodStart)));
  if (!inv) return [];
  return db.select().from(invoiceLines).where(eq(invoiceLines.invoiceId, inv.id)).orderBy(asc(invoiceLines.position));
}

describe("add-ons in MRR", () => {
  it("counts a recurring add-on's fee in MRR and its movements (expansion, contraction); one-time add-ons never", async () => {
    const { mrrChanges } = await import("@/lib/revenue/series");
    const { mrrMovements, parseMonth } = await import("@/lib/revenue/movements");
    const { customerRevenue } = await import("@/lib/revenue/customer-detail");
    const plan = await makePlan({ basePriceCents: 2900 });
    const seat = await makeAddon({ price: "10", max_quantity: 5 });
    const once = await makeAddon({ kind: "one_time", interval: undefined, price: "25" });
    const { org } = await customer(plan);
    await setQuantityAt(org.id, seat.code, 2, new Date("2026-06-11T00:00:00Z"));
    await setQuantityAt(org.id, once.code, 1, new Date("2026-06-12T00:00:00Z"));
    await setQuantityAt(org.id, seat.code, 1, new Date("2026-06-21T00:00:00Z"));

    const changes = (await mrrChanges("usd", new Date("2026-07-01T00:00:00Z"))).filter((c) => c.orgId === org.id);
    // 29 → 29 + 2 × 10 → 29 + 10, in twelfths of a cent (a month's MRR × 12); the one-time purchase moves nothing.
    expect(changes.map((c) => c.twelfths.toNumber())).toEqual([2900 * 12, 4900 * 12, 3900 * 12]);
    const [june] = mrrMovements(changes, [parseMonth("2026-06")]);
    expect({
      newMrr: june!.newMrr.toNumber() / 12,
      expansion: june!.expansionMrr.toNumber() / 12,
      contraction: june!.contractionMrr.toNumber() / 12,
      ending: june!.endingMrr.toNumber() / 12,
    }).toEqual({ newMrr: 2900, expansion: 2000, contraction: 1000, ending: 3900 });

    // The customer's history shows the MRR after each add-on change.
    const history = (await customerRevenue(org.id)).history.filter((h) => h.action === "addon_changed");
    expect(history.map((h) => h.mrrCents).sort()).toEqual([3900, 4900, 4900]);
    const [sub] = await db.select().from(subscriptions).where(eq(subscriptions.orgId, org.id));
    expect(sub!.addonCents).toBe(1000);
  });
});
