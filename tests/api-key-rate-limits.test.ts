// Per-API-key rate limits: a key past its limit is answered 429 with Retry-After and an error naming
// the limit, while another key goes on; a changed limit holds at once; new keys get their preset's
// default; and only whoever manages a key can change its limit (another customer's key is not
// found and keeps its limit). The cross-replica bound is tests/cluster/rate-limits.cluster.ts.
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import * as balanceRoute from "@/app/api/v1/credits/route";
import * as healthRoute from "@/app/api/health/route";
import { openApiDocument } from "@/app/api/openapi-document";
import { createApiKey, updateApiKeyRateLimit } from "@/lib/auth/api-keys";
import { PRESET_RATE_LIMITS } from "@/lib/auth/key-rate-limits";
import { serializeKeys } from "@/lib/auth/serialize-keys";
import { listApiKeys } from "@/lib/auth/api-keys";
import { db } from "@/lib/db/client";
import { apiKeys } from "@/lib/db/schema";
import { call, makeOrg } from "./support/fixtures";
import { form, people, signInAs, type Who } from "./support/session-mock";

vi.mock("next/cache", () => ({ revalidatePath: () => {} }));
vi.mock("@/lib/auth/session", () => import("./support/session-mock"));

const customer = await import("@/app/(app)/api-keys/actions");
const admin = await import("@/app/admin/api-keys/actions");

type Err = { error: { code: string; message: string; details?: Record<string, number>; request_id: string } };
const readBalance = (key: string) => call<Err>(balanceRoute.GET, "GET", "/api/v1/credits", { key });
const as = signInAs;
const limitOf = async (id: string) =>
  (
    await db
      .select({ perSecond: apiKeys.rateLimitPerSecond, burst: apiKeys.rateLimitBurst })
      .from(apiKeys)
      .where(eq(apiKeys.id, id))
  )[0];

let orgA: string, orgB: string;
let ownerA: Who, memberA: Who, ownerB: Who, adminUser: Who;
beforeAll(async () => {
  orgA = (await makeOrg()).id;
  orgB = (await makeOrg()).id;
  ({ ownerA, memberA, ownerB, adminUser } = await people(orgA, orgB));
});

describe("a key over its rate limit", () => {
  it("is answered 429 with Retry-After and an error naming the limit; another key of the same customer goes on", async () => {
    const slow = await createApiKey({
      scope: "customer",
      orgId: orgA,
      name: "slow",
      createdByUserId: null,
      rateLimit: { perSecond: 1, burst: 3 },
    });
    const other = await createApiKey({ scope: "customer", orgId: orgA, name: "other", createdByUserId: null });
    const started = Date.now();
    // One first (the key is then cached, as on a busy server), the rest at once.
    const answers = [await readBalance(slow.key)];
    answers.push(...(await Promise.all(Array.from({ length: 7 }, () => readBalance(slow.key)))));
    const seconds = (Date.now() - started) / 1000;
    const ok = answers.filter((a) => a.status === 200);
    // The burst, plus what one a second refilled while the eight went.
    expect(ok.length).toBeGreaterThanOrEqual(3);
    expect(ok.length).toBeLessThanOrEqual(3 + Math.floor(seconds));
    expect(ok[0]!.headers.get("ratelimit-limit")).toBe("1");
    expect(ok[0]!.headers.get("ratelimit-policy")).toBe("1;w=1;burst=3");
    expect(ok[0]!.headers.get("ratelimit-remaining")).toBe("2");

    const refused = answers.find((a) => a.status === 429)!;
    expect(refused).toBeDefined();
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get("ratelimit-remaining")).toBe("0");
    expect(refused.json.error).toMatchObject({
      code: "rate_limited",
      message: expect.stringMatching(/limited to 1 requests a second \(bursts of 3\); retry after \d+ s/),
      details: { rate_limit_per_second: 1, rate_limit_burst: 3, retry_after_seconds: expect.any(Number) },
      request_id: expect.any(String),
    });

    const fine = await readBalance(other.key);
    expect(fine.status).toBe(200);
    expect(fine.headers.get("ratelimit-limit")).toBe(String(PRESET_RATE_LIMITS.full.perSecond));
  });

  it("goes on at once when its limit is raised (every replica's cached key dropped)", async () => {
    const k = await createApiKey({
      scope: "customer",
      orgId: orgA,
      name: "raise me",
      createdByUserId: null,
      rateLimit: { perSecond: 1, burst: 1 },
    });
    expect((await readBalance(k.key)).status).toBe(200);
    expect((await readBalance(k.key)).status).toBe(429);
    await updateApiKeyRateLimit(orgA, k.apiKey.id, { perSecond: 1000, burst: 1000 });
    const after = await readBalance(k.key);
    expect(after.status).toBe(200);
    expect(after.headers.get("ratelimit-limit")).toBe("1000");
  });

  it("counts nothing on public routes, which need no key", async () => {
    const k = await createApiKey({
      scope: "customer",
      orgId: orgA,
      name: "health",
      createdByUserId: null,
      rateLimit: { perSecond: 1, burst: 1 },
    });
    for (let i = 0; i < 3; i++) {
      const r = await call(healthRoute.GET, "GET", "/api/health", { key: k.key });
      expect(r.status).toBe(200);
      expect(r.headers.get("ratelimit-limit")).toBeNull();
    }
    expect((await readBalance(k.key)).status).toBe(200);
  });
});

describe("setting a key's limit", () => {
  it("gives a new key its preset's default, or what the form says, and shows it in the key list", async () => {
    as(ownerA);
    const collector = await customer.createCustomerKey(null, form({ name: "collector", access: "events" }));
    const custom = await customer.createCustomerKey(
      null,
      form({ name: "custom", access: "read", rate_limit_per_second: "7", rate_limit_burst: "9" }),
    );
    expect(collector?.ok && custom?.ok).toBe(true);
    if (!collector?.ok || !custom?.ok) return;
    expect(await limitOf(collector.data.id)).toEqual(PRESET_RATE_LIMITS.events);
    expect(await limitOf(custom.data.id)).toEqual({ perSecond: 7, burst: 9 });
    const listed = serializeKeys(await listApiKeys(orgA));
    expect(listed.find((k) => k.id === collector.data.id)?.rateLimitLabel).toBe("5,000/s, bursts of 10,000");
    expect(listed.find((k) => k.id === custom.data.id)?.rateLimitLabel).toBe("7/s, bursts of 9");
  });

  it("names the field to fix, and makes no key", async () => {
    as(ownerA);
    const before = (await listApiKeys(orgA)).length;
    const zero = await customer.createCustomerKey(
      null,
      form({ name: "bad", access: "full", rate_limit_per_second: "0", rate_limit_burst: "2.5" }),
    );
    expect(zero).toMatchObject({
      ok: false,
      fieldErrors: {
        rate_limit_per_second: "Requests per second must be at least 1.",
        rate_limit_burst: "Enter the burst as a whole number.",
      },
    });
    const huge = await customer.createCustomerKey(
      null,
      form({ name: "bad", access: "full", rate_limit_per_second: "1000000" }),
    );
    expect(huge).toMatchObject({ ok: false, fieldErrors: { rate_limit_per_second: expect.stringMatching(/at most/) } });
    expect((await listApiKeys(orgA)).length).toBe(before);
  });

  it("lets the owner change their own key's limit, and nobody else", async () => {
    const k = await createApiKey({ scope: "customer", orgId: orgA, name: "A's key", createdByUserId: null });
    const change = form({ id: k.apiKey.id, rate_limit_per_second: "5", rate_limit_burst: "10" });

    as(ownerB);
    const other = await customer.setCustomerKeyRateLimit(null, change);
    expect(other).toMatchObject({ ok: false, error: "Active API key not found." });
    as(memberA);
    await expect(customer.setCustomerKeyRateLimit(null, change)).rejects.toThrow();
    as(adminUser);
    // The admin's keys page changes platform keys; a customer's key is not one.
    expect(await admin.setPlatformKeyRateLimit(null, change)).toMatchObject({ ok: false });
    expect(await limitOf(k.apiKey.id)).toEqual(PRESET_RATE_LIMITS.full);

    as(ownerA);
    expect(await customer.setCustomerKeyRateLimit(null, change)).toMatchObject({ ok: true });
    expect(await limitOf(k.apiKey.id)).toEqual({ perSecond: 5, burst: 10 });
    const missing = await customer.setCustomerKeyRateLimit(null, form({ id: k.apiKey.id, rate_limit_per_second: "5" }));
    expect(missing).toMatchObject({ ok: false, fieldErrors: { rate_limit_burst: expect.any(String) } });
  });

  it("lets the admin change a platform key's limit", async () => {
    as(adminUser);
    const made = await admin.createPlatformKey(null, form({ name: "ops", access: "credits" }));
    expect(made?.ok).toBe(true);
    if (!made?.ok) return;
    expect(await limitOf(made.data.id)).toEqual(PRESET_RATE_LIMITS.credits);
    const r = await admin.setPlatformKeyRateLimit(
      null,
      form({ id: made.data.id, rate_limit_per_second: "50", rate_limit_burst: "60" }),
    );
    expect(r).toMatchObject({ ok: true });
    expect(await limitOf(made.data.id)).toEqual({ perSecond: 50, burst: 60 });
  });
});

describe("the API document", () => {
  it("lists 429 with Retry-After on every operation a key can call, and not on public ones", () => {
    const doc = openApiDocument();
    const ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ path, method, op: op as Record<string, unknown> })),
    );
    const withKeys = ops.filter((o) => (o.op.security as unknown[]).length > 0);
    expect(withKeys.length).toBeGreaterThan(20);
    for (const { op } of withKeys) {
      const r429 = (op.responses as Record<string, { headers?: Record<string, unknown> }>)["429"];
      expect(r429?.headers).toHaveProperty("Retry-After");
    }
    const health = doc.paths["/api/health"] as Record<string, { responses: Record<string, unknown> }>;
    expect(health.get!.responses["429"]).toBeUndefined();
  });
});
