import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as authRoute from "@/app/api/auth/[...nextauth]/route";
import * as customers from "@/app/api/v1/customers/route";
import { authenticateApiKey, createApiKey, ensureBootstrapKey, listApiKeys, revokeApiKey } from "@/lib/auth/api-keys";
import { authorizeCredentials, RateLimitedSignIn } from "@/lib/auth/config";
import { hashPassword } from "@/lib/auth/password";
import { signUp } from "@/lib/auth/sign-up";
import { ensureAdmin, findUserByEmail } from "@/lib/auth/users";
import { db } from "@/lib/db/client";
import { apiKeys } from "@/lib/db/schema";
import { call, makeOrg, uid } from "./support/fixtures";

const headersFrom = (ip: string) => new Headers({ "x-forwarded-for": ip });
const ip = () => `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

async function newOwner(password = "correct horse") {
  const email = `owner-${uid()}@example.test`;
  const user = await signUp({ organizationName: `Org ${uid()}`, name: "Owner", email, password });
  return { email, password, user };
}

describe("sign-up and sign-in", () => {
  it("creates an organization and its owner on sign-up, with the password hashed by scrypt", async () => {
    const { email, user } = await newOwner();
    expect(user.role).toBe("owner");
    expect(user.orgId).toMatch(/^org_/);
    const stored = await findUserByEmail(email.toUpperCase());
    expect(stored?.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(stored?.passwordHash).not.toContain("correct horse");
  });

  it("refuses a second sign-up with the same email (409) without leaving an orphan organization", async () => {
    const { email } = await newOwner();
    await expect(signUp({ organizationName: "Dup", name: "Dup", email, password: "whatever1" })).rejects.toMatchObject({ code: "conflict" });
  });

  it("accepts the right password and refuses a wrong one or an unknown email alike", async () => {
    const { email, password } = await newOwner();
    const from = ip();
    expect(await authorizeCredentials({ email, password }, headersFrom(from))).toMatchObject({ email });
    expect(await authorizeCredentials({ email, password: "wrong" }, headersFrom(from))).toBeNull();
    expect(await authorizeCredentials({ email: `nobody-${uid()}@example.test`, password }, headersFrom(from))).toBeNull();
  });

  it("locks an email after 5 failures: even the right password is refused, and HTTP answers 429 with Retry-After", async () => {
    const { email, password } = await newOwner();
    for (let i = 0; i < 5; i++) expect(await authorizeCredentials({ email, password: `wrong-${i}` }, headersFrom(ip()))).toBeNull();
    await expect(authorizeCredentials({ email, password }, headersFrom(ip()))).rejects.toBeInstanceOf(RateLimitedSignIn);

    const form = new URLSearchParams({ email, password, csrfToken: "x" });
    const res = await authRoute.POST(new Request("http://tally.test/api/auth/callback/credentials", { method: "POST", body: form, headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": ip() } }));
    expect(res.status).toBe(429);
    const retryAfter = Number(res.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(800);
    expect(retryAfter).toBeLessThanOrEqual(900);
    expect((await res.json()).error.code).toBe("rate_limited");
  });

  it("locks an IP after 20 failures spread over different emails", async () => {
    const from = ip();
    for (let i = 0; i < 20; i++) await authorizeCredentials({ email: `spray-${uid()}@example.test`, password: "guess" }, headersFrom(from));
    const { email, password } = await newOwner();
    await expect(authorizeCredentials({ email, password }, headersFrom(from))).rejects.toBeInstanceOf(RateLimitedSignIn);
    // The same account from another address is fine.
    expect(await authorizeCredentials({ email, password }, headersFrom(ip()))).toMatchObject({ email });
  });

  it("clears an email's failure count after a successful sign-in", async () => {
    const { email, password } = await newOwner();
    for (let i = 0; i < 4; i++) await authorizeCredentials({ email, password: "nope" }, headersFrom(ip()));
    expect(await authorizeCredentials({ email, password }, headersFrom(ip()))).not.toBeNull();
    for (let i = 0; i < 4; i++) await authorizeCredentials({ email, password: "nope" }, headersFrom(ip()));
    expect(await authorizeCredentials({ email, password }, headersFrom(ip()))).not.toBeNull();
  });

  it("makes sure the bootstrap admin exists with the configured password", async () => {
    const email = `ops-${uid()}@example.test`;
    await ensureAdmin(email, "first-password");
    await ensureAdmin(email, "second-password");
    const user = await findUserByEmail(email);
    expect(user?.role).toBe("admin");
    expect(await authorizeCredentials({ email, password: "second-password" }, headersFrom(ip()))).not.toBeNull();
  });
});

describe("API keys", () => {
  it("stores only a hash and a visible prefix, and authenticates the key shown once", async () => {
    const org = await makeOrg();
    const { key, apiKey } = await createApiKey({ scope: "customer", orgId: org.id, name: "CI", createdByUserId: null });
    expect(key).toMatch(/^tly_live_[0-9A-Za-z]{32}$/);
    expect(key.startsWith(apiKey.prefix)).toBe(true);
    const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, apiKey.id));
    expect(JSON.stringify(row)).not.toContain(key);
    expect(await authenticateApiKey(key)).toEqual({ keyId: apiKey.id, scope: "customer", orgId: org.id });
    const [used] = await listApiKeys(org.id);
    expect(used?.lastUsedAt).toBeInstanceOf(Date);
  });

  it("stops a revoked key from authenticating any request", async () => {
    const org = await makeOrg();
    const { key, apiKey } = await createApiKey({ scope: "customer", orgId: org.id, name: "old", createdByUserId: null });
    expect((await call(customers.GET, "GET", "/api/v1/customers", { key })).status).toBe(200);
    await revokeApiKey(org.id, apiKey.id);
    expect((await call(customers.GET, "GET", "/api/v1/customers", { key })).status).toBe(401);
  });

  it("lets an organization revoke only its own keys", async () => {
    const a = await makeOrg();
    const b = await makeOrg();
    const { apiKey } = await createApiKey({ scope: "customer", orgId: a.id, name: "a", createdByUserId: null });
    await expect(revokeApiKey(b.id, apiKey.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(revokeApiKey(null, apiKey.id)).rejects.toMatchObject({ code: "not_found" });
  });

  it("accepts the key in x-api-key as FlexPrice's SDK sends it", async () => {
    const { key } = await createApiKey({ scope: "platform", orgId: null, name: "p", createdByUserId: null });
    expect((await call(customers.GET, "GET", "/api/v1/customers", { headers: { "x-api-key": key } })).status).toBe(200);
  });

  it("makes the bootstrap key exist exactly once with exactly the configured value", async () => {
    const value = `boot-${uid()}-secret-value`;
    await ensureBootstrapKey(value);
    await ensureBootstrapKey(value);
    const keys = (await listApiKeys(null)).filter((k) => k.name.startsWith("Bootstrap") && k.prefix === value.slice(0, 15));
    expect(keys).toHaveLength(1);
    expect((await call(customers.POST, "POST", "/api/v1/customers", { key: value, body: { name: "From automation" } })).status).toBe(201);
  });
});

describe("passwords", () => {
  it("salts every hash", async () => {
    expect(await hashPassword("same")).not.toBe(await hashPassword("same"));
  });
});

describe("API key cache", () => {
  it("stops a revoked key on another replica at once: the revocation is broadcast over Postgres NOTIFY", async () => {
    const { driver } = await import("@/lib/db/client");
    const d = driver();
    if (d.kind !== "postgres") return; // PGlite serves one process: the local cache is cleared directly
    const { listenForInvalidations, INVALIDATION_CHANNEL } = await import("@/lib/cache/invalidation");
    await listenForInvalidations();
    const org = await makeOrg();
    const { key, apiKey } = await createApiKey({ scope: "customer", orgId: org.id, name: "replica", createdByUserId: null });
    expect(await authenticateApiKey(key)).not.toBeNull(); // now cached
    // "Another replica" revokes it: write directly and notify, as revokeApiKey does there.
    await db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, apiKey.id));
    const { sql } = await import("drizzle-orm");
    const { hashApiKey } = await import("@/lib/auth/api-keys");
    await db.execute(sql`select pg_notify(${INVALIDATION_CHANNEL}, ${`api_key:${hashApiKey(key)}`})`);
    await expect.poll(() => authenticateApiKey(key), { timeout: 2000 }).toBeNull();
  });
});
