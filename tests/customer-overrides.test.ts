// Per-customer overrides through the operator API: each kind validated as the plan's own terms (a
// bad one is a 400 naming the field), operators only (a customer's key or session gets 403), the
// history (who gave, who revoked), idempotent creation — and what the customer notices: the
// entitlement checks (override > plan), a trial and included credits of the customer's own.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as overridesRoute from "@/app/api/v1/customers/[id]/overrides/route";
import * as overrideOne from "@/app/api/v1/customers/[id]/overrides/[overrideId]/route";
import * as entitlementList from "@/app/api/v1/entitlements/route";
import * as entitlementCheck from "@/app/api/v1/entitlements/[feature]/route";
import * as featuresRoute from "@/app/api/v1/features/route";
import { allocateIncludedCredits } from "@/lib/credits/allocate-credits";
import { db } from "@/lib/db/client";
import { creditGrants, plans } from "@/lib/db/schema";
import { ingestEvents } from "@/lib/metering/ingest-events";
import { subscribe } from "@/lib/subscriptions/subscribe";
import { call, customerKey, makeOrg, makeUser, platformKey, sessionCookie, uid } from "./support/fixtures";
import { makeMeter, makePlan, subscribeTo } from "./support/metering";

type Json = Record<string, unknown>;
type Issue = { field: string; message: string };
const fieldsOf = (json: Json) => ((json.error as { details?: Issue[] })?.details ?? []).map((d) => d.field);
const HOUR = 3_600_000;

const post = async (
  orgId: string,
  body: Json,
  opts: { key?: string; cookie?: string; headers?: Record<string, string> } = {},
) =>
  call<Json>(overridesRoute.POST, "POST", `/api/v1/customers/${orgId}/overrides`, {
    key: opts.cookie ? undefined : (opts.key ?? (await platformKey())),
    cookie: opts.cookie,
    headers: opts.headers,
    params: { id: orgId },
    body,
  });
const list = async (orgId: string, key?: string) =>
  call<{ data: Json[] }>(overridesRoute.GET, "GET", `/api/v1/customers/${orgId}/overrides`, {
    key: key ?? (await platformKey()),
    params: { id: orgId },
  });
const revoke = async (orgId: string, overrideId: string, key?: string) =>
  call<Json>(overrideOne.DELETE, "DELETE", `/api/v1/customers/${orgId}/overrides/${overrideId}`, {
    key: key ?? (await platformKey()),
    params: { id: orgId, overrideId },
  });

async function world() {
  const meter = await makeMeter();
  const sso = `sso_${uid()}`;
  const made = await call(featuresRoute.POST, "POST", "/api/v1/features", {
    key: await platformKey(),
    body: { key: sso, kind: "boolean", name: "SSO" },
  });
  expect(made.status).toBe(201);
  const plan = await makePlan({
    limits: [{ meter: meter.code, limit: 3, enforcement: "hard" }],
    charges: [{ type: "usage", meter: meter.code, model: "per_unit", unit_price: "0.10" }],
  });
  const org = await makeOrg();
  await subscribeTo(org.id, plan.id, new Date(Date.now() - 24 * HOUR));
  const r = await ingestEvents(
    org.id,
    [0, 1, 2].map((i) => ({
      eventId: `e-${uid()}-${i}`,
      eventName: meter.eventName,
      timestamp: new Date(Date.now() - HOUR),
      properties: {},
    })),
  );
  expect(r.outcomes.every((o) => o.status === "accepted")).toBe(true);
  return { meter, sso, plan, org };
}

const check = async (feature: string, orgId: string) =>
  (
    await call<Json>(entitlementCheck.GET, "GET", `/api/v1/entitlements/${feature}?customer_id=${orgId}`, {
      key: await platformKey(),
      params: { feature },
    })
  ).json;

describe("the overrides API", () => {
  it("creates each kind, lists them newest first with who gave them, and revokes one (recording who)", async () => {
    const w = await world();
    const made = [
      await post(w.org.id, {
        kind: "charge_price",
        target: w.meter.code,
        value: { model: "per_unit", unit_price: "0.02" },
        reason: "contract #12",
      }),
      await post(w.org.id, { kind: "feature", target: w.sso, value: { value: true }, reason: "pilot" }),
      await post(w.org.id, {
        kind: "feature",
        target: w.meter.code,
        value: { limit: null, enforcement: "hard" },
        reason: "launch week",
      }),
      await post(w.org.id, { kind: "included_credits", value: { credits: 5000 }, reason: "goodwill" }),
      await post(w.org.id, { kind: "trial_days", value: { days: 45 }, reason: "enterprise eval" }),
    ];
    expect(made.map((m) => m.status)).toEqual([201, 201, 201, 201, 201]);
    expect(made[0]!.json).toMatchObject({
      object: "customer_override",
      customer_id: w.org.id,
      kind: "charge_price",
      target: w.meter.code,
      value: { model: "per_unit", unit_price: "0.02" },
      reason: "contract #12",
      status: "active",
      ends_at: null,
      revoked_at: null,
    });
    expect(String(made[0]!.json.created_by)).toMatch(/^key:/);
    expect(made[3]!.json).toMatchObject({ target: null, value: { credits: 5000 } });

    const listed = await list(w.org.id);
    expect(listed.status).toBe(200);
    expect(listed.json.data.map((o) => o.kind)).toEqual([
      "trial_days",
      "included_credits",
      "feature",
      "feature",
      "charge_price",
    ]);

    const id = made[1]!.json.id as string;
    const gone = await revoke(w.org.id, id);
    expect(gone.status).toBe(200);
    expect(gone.json).toMatchObject({ id, status: "revoked" });
    expect(String(gone.json.revoked_by)).toMatch(/^key:/);
    // Revoking again changes nothing: the first revoke is kept.
    const again = await revoke(w.org.id, id);
    expect(again.json.revoked_at).toBe(gone.json.revoked_at);
    // The history keeps it.
    expect((await list(w.org.id)).json.data.find((o) => o.id === id)).toMatchObject({ status: "revoked" });
  });

  it("refuses bad input with a 400 naming the field, and writes nothing", async () => {
    const w = await world();
    const bad: [Json, string][] = [
      [
        {
          kind: "charge_price",
          target: w.meter.code,
          value: { model: "graduated", tiers: [{ up_to: 5, unit_price: "1" }] },
          reason: "x",
        },
        "value.tiers.0.up_to",
      ],
      [
        { kind: "charge_price", target: w.meter.code, value: { model: "per_unit", unit_price: "-0.5" }, reason: "x" },
        "value.unit_price",
      ],
      [
        { kind: "charge_price", target: "no_such_meter", value: { model: "per_unit", unit_price: "1" }, reason: "x" },
        "target",
      ],
      [{ kind: "feature", target: w.sso, value: { value: 3 }, reason: "x" }, "value"],
      [{ kind: "feature", target: w.sso, value: { limit: 3, enforcement: "hard" }, reason: "x" }, "value"],
      [{ kind: "feature", target: "nothing_here", value: { value: true }, reason: "x" }, "target"],
      [{ kind: "trial_days", value: { days: 400 }, reason: "x" }, "value.days"],
      [{ kind: "included_credits", value: { credits: -1 }, reason: "x" }, "value.credits"],
      [{ kind: "trial_days", value: { days: 30 } }, "reason"],
      [
        {
          kind: "trial_days",
          value: { days: 30 },
          reason: "x",
          starts_at: "2026-05-01T00:00:00Z",
          ends_at: "2026-04-01T00:00:00Z",
        },
        "ends_at",
      ],
      [{ kind: "discount", value: {}, reason: "x" }, "kind"],
    ];
    for (const [body, field] of bad) {
      const r = await post(w.org.id, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(fieldsOf(r.json), JSON.stringify(r.json)).toContain(field);
    }
    expect((await list(w.org.id)).json.data).toEqual([]);
  });

  it("is idempotent with an Idempotency-Key: the same request answers the first override again", async () => {
    const w = await world();
    const body = { kind: "trial_days", value: { days: 30 }, reason: "eval" };
    const headers = { "idempotency-key": `ovr-${uid()}` };
    const a = await post(w.org.id, body, { headers });
    const b = await post(w.org.id, body, { headers });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.json.id).toBe(a.json.id);
    expect(b.headers.get("idempotent-replayed")).toBe("true");
    const c = await post(w.org.id, { ...body, value: { days: 31 } }, { headers });
    expect(c.status).toBe(409);
    expect((await list(w.org.id)).json.data).toHaveLength(1);
  });

  it("is for operators only: a customer's key or owner session gets 403, and no operator reaches another customer's override", async () => {
    const w = await world();
    const own = await customerKey(w.org.id);
    const body = {
      kind: "charge_price",
      target: w.meter.code,
      value: { model: "per_unit", unit_price: "0" },
      reason: "free for me",
    };
    expect((await post(w.org.id, body, { key: own })).status).toBe(403);
    const owner = await makeUser("owner", w.org.id);
    expect((await post(w.org.id, body, { cookie: await sessionCookie(owner.id) })).status).toBe(403);
    expect((await list(w.org.id, own)).status).toBe(403);
    const made = await post(w.org.id, { ...body, reason: "operator" });
    expect((await revoke(w.org.id, made.json.id as string, own)).status).toBe(403);
    // Another customer's id with this override's id: not found, and the override stays active.
    const other = await makeOrg();
    expect((await revoke(other.id, made.json.id as string)).status).toBe(404);
    expect((await list(w.org.id)).json.data[0]).toMatchObject({ status: "active" });
    expect((await list(w.org.id)).json.data).toHaveLength(1);
  });
});

describe("what the customer gets", () => {
  it("entitlements: an override of a limit or a feature beats the plan, until it ends", async () => {
    const w = await world();
    // The plan: 3 calls, hard; 3 used. SSO not granted.
    expect(await check(w.meter.code, w.org.id)).toMatchObject({ allowed: false, reason: "limit_reached", limit: 3 });
    expect(await check(w.sso, w.org.id)).toMatchObject({ allowed: false, reason: "not_granted", source: null });

    await post(w.org.id, {
      kind: "feature",
      target: w.meter.code,
      value: { limit: 10, enforcement: "hard" },
      reason: "pilot",
    });
    await post(w.org.id, { kind: "feature", target: w.sso, value: { value: true }, reason: "pilot" });
    expect(await check(w.meter.code, w.org.id)).toMatchObject({
      allowed: true,
      reason: "within_limit",
      limit: 10,
      remaining: "7",
      source: "override",
    });
    expect(await check(w.sso, w.org.id)).toMatchObject({ allowed: true, value: true, source: "override" });
    const listed = await call<{ data: Json[] }>(
      entitlementList.GET,
      "GET",
      `/api/v1/entitlements?customer_id=${w.org.id}`,
      {
        key: await platformKey(),
      },
    );
    expect(listed.json.data.find((d) => d.feature === w.meter.code)).toMatchObject({ value: 10, source: "override" });
    expect(listed.json.data.find((d) => d.feature === w.sso)).toMatchObject({ value: true, source: "override" });

    // The newest wins: unlimited now.
    const unlimited = await post(w.org.id, {
      kind: "feature",
      target: w.meter.code,
      value: { limit: null, enforcement: "hard" },
      reason: "launch",
    });
    expect(await check(w.meter.code, w.org.id)).toMatchObject({
      allowed: true,
      reason: "unlimited",
      source: "override",
    });
    // Revoked, the previous override is back; a scheduled one does not apply yet.
    await revoke(w.org.id, unlimited.json.id as string);
    expect(await check(w.meter.code, w.org.id)).toMatchObject({ limit: 10, source: "override" });
    await post(w.org.id, {
      kind: "feature",
      target: w.meter.code,
      value: { limit: 1000, enforcement: "hard" },
      reason: "next month",
      starts_at: new Date(Date.now() + 24 * HOUR).toISOString(),
    });
    expect(await check(w.meter.code, w.org.id)).toMatchObject({ limit: 10 });
  });

  it("an override whose end date passed stops applying", async () => {
    const w = await world();
    const past = (h: number) => new Date(Date.now() - h * HOUR).toISOString();
    await post(w.org.id, {
      kind: "feature",
      target: w.sso,
      value: { value: true },
      reason: "trial week",
      starts_at: past(48),
      ends_at: past(1),
    });
    await post(w.org.id, {
      kind: "feature",
      target: w.meter.code,
      value: { limit: 10, enforcement: "hard" },
      reason: "trial week",
      starts_at: past(48),
      ends_at: past(1),
    });
    expect(await check(w.sso, w.org.id)).toMatchObject({ allowed: false, source: null });
    const metered = await check(w.meter.code, w.org.id);
    expect(metered).toMatchObject({ allowed: false, limit: 3 });
    expect(metered.source).toBeUndefined();
    expect((await list(w.org.id)).json.data.map((o) => o.status)).toEqual(["ended", "ended"]);
  });

  it("a trial of the customer's own, and included credits on a plan without any", async () => {
    const plan = await makePlan({ includedCredits: 0 });
    await db.update(plans).set({ trialDays: 14 }).where(eq(plans.id, plan.id));
    const org = await makeOrg();
    await post(org.id, { kind: "trial_days", value: { days: 45 }, reason: "enterprise eval" });
    await post(org.id, { kind: "included_credits", value: { credits: 2500 }, reason: "goodwill" });
    const now = new Date();
    const sub = await subscribe(org.id, { plan: { id: plan.id }, actor: "test", now });
    expect(sub.status).toBe("trialing");
    expect(sub.trialEnd!.getTime() - now.getTime()).toBe(45 * 24 * HOUR);
    const [p] = await db.select().from(plans).where(eq(plans.id, plan.id));
    await db.transaction((tx) => allocateIncludedCredits(tx, sub, p!, now));
    const grants = await db.select().from(creditGrants).where(eq(creditGrants.orgId, org.id));
    expect(grants.map((g) => Number(g.amount))).toEqual([2500]);
    // Another customer on the same plan: the plan's 14 days, no credits.
    const other = await makeOrg();
    const theirs = await subscribe(other.id, { plan: { id: plan.id }, actor: "test", now });
    expect(theirs.trialEnd!.getTime() - now.getTime()).toBe(14 * 24 * HOUR);
    expect(await db.transaction((tx) => allocateIncludedCredits(tx, theirs, p!, now))).toBeNull();
  });
});
