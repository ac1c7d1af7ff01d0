// API keys with permissions: a collector's key that may only send events, a key that may spend
// credits and read, a read-only key — each refused with a 403 naming the permission it lacks, and
// keys made without a list keep doing everything their scope allows.
import { beforeAll, describe, expect, it } from "vitest";
import * as consumeRoute from "@/app/api/v1/credits/consume/route";
import * as grantsRoute from "@/app/api/v1/credits/grants/route";
import * as balanceRoute from "@/app/api/v1/credits/route";
import * as bulkRoute from "@/app/api/v1/events/bulk/route";
import * as eventsRoute from "@/app/api/v1/events/route";
import * as customersRoute from "@/app/api/v1/customers/route";
import { createApiKey, listApiKeys } from "@/lib/auth/api-keys";
import { describePermissions, KEY_ACCESS_PRESETS, type KeyAccess } from "@/lib/auth/key-permissions";
import { grantCredits } from "@/lib/credits/grant-credits";
import { serializeKeys } from "@/lib/auth/serialize-keys";
import { call, makeMeter, makeOrg } from "./support/fixtures";

type Err = { error: { code: string; message: string } };

describe("API key permissions", () => {
  let org: Awaited<ReturnType<typeof makeOrg>>;
  let eventName = "";
  const keys: Partial<Record<KeyAccess, string>> = {};
  beforeAll(async () => {
    org = await makeOrg();
    eventName = (await makeMeter({ aggregation: "count" })).eventName;
    await grantCredits(org.id, {
      amount: 100,
      source: "purchased",
      expiresAt: null,
      reason: "test",
      idempotencyKey: `perm-${org.id}`,
      actor: "test",
    });
    for (const access of Object.keys(KEY_ACCESS_PRESETS) as KeyAccess[])
      keys[access] = (
        await createApiKey({
          scope: "customer",
          orgId: org.id,
          name: access,
          permissions: KEY_ACCESS_PRESETS[access].permissions,
          createdByUserId: null,
        })
      ).key;
  });

  const sendEvent = (key: string) =>
    call<Err>(eventsRoute.POST, "POST", "/api/v1/events", {
      key,
      body: { event_id: `e-${Math.random()}`, event_name: eventName },
    });
  const sendBulk = (key: string) =>
    call<Err>(bulkRoute.POST, "POST", "/api/v1/events/bulk", {
      key,
      body: { events: [{ event_id: `b-${Math.random()}`, event_name: eventName }] },
    });
  const spend = (key: string) =>
    call<Err>(consumeRoute.POST, "POST", "/api/v1/credits/consume", {
      key,
      body: { credits: 1, idempotency_key: `c-${Math.random()}` },
    });
  const readBalance = (key: string) => call<Err>(balanceRoute.GET, "GET", "/api/v1/credits", { key });

  it("lets a collector's key send events and nothing else", async () => {
    const key = keys.events!;
    expect((await sendEvent(key)).status).toBe(202);
    expect((await sendBulk(key)).status).toBe(202);
    const read = await readBalance(key);
    expect(read.status).toBe(403);
    expect(read.json.error.message).toMatch(/lacks the 'read' permission/);
    const spent = await spend(key);
    expect(spent.status).toBe(403);
    expect(spent.json.error.message).toMatch(/lacks the 'credits:consume' permission/);
  });

  it("lets a spending key spend and read, but not send events", async () => {
    const key = keys.credits!;
    expect((await spend(key)).status).toBe(200);
    expect((await readBalance(key)).status).toBe(200);
    const sent = await sendEvent(key);
    expect(sent.status).toBe(403);
    expect(sent.json.error.message).toMatch(/lacks the 'events:write' permission/);
  });

  it("lets a read-only key read and change nothing", async () => {
    const key = keys.read!;
    expect((await readBalance(key)).status).toBe(200);
    for (const r of [await sendEvent(key), await spend(key)]) expect(r.status).toBe(403);
    const balance = await readBalance(key);
    expect((balance.json as unknown as { balance: number }).balance).toBe(99);
  });

  it("keeps a key made without a list (every key before permissions) at full access", async () => {
    const key = keys.full!;
    expect((await sendEvent(key)).status).toBe(202);
    expect((await spend(key)).status).toBe(200);
    expect((await readBalance(key)).status).toBe(200);
  });

  it("holds for platform keys too, before any customer is looked at", async () => {
    const readOnly = (
      await createApiKey({ scope: "platform", orgId: null, name: "ro", permissions: ["read"], createdByUserId: null })
    ).key;
    expect((await call(customersRoute.GET, "GET", "/api/v1/customers", { key: readOnly })).status).toBe(200);
    const made = await call<Err>(customersRoute.POST, "POST", "/api/v1/customers", {
      key: readOnly,
      body: { name: "Should not exist" },
    });
    expect(made.status).toBe(403);
    expect(made.json.error.message).toMatch(/lacks the 'write' permission/);
    const grant = await call<Err>(grantsRoute.POST, "POST", "/api/v1/credits/grants", {
      key: readOnly,
      body: { customer_id: "cus_nobody", amount: 5, reason: "x", idempotency_key: "g-1" },
    });
    expect(grant.status).toBe(403);
  });

  it("shows each key's access in words in the key list", async () => {
    const listed = serializeKeys(await listApiKeys(org.id));
    expect(listed.map((k) => [k.name, k.access]).sort()).toEqual(
      (Object.keys(KEY_ACCESS_PRESETS) as KeyAccess[]).map((a) => [a, KEY_ACCESS_PRESETS[a].label]).sort(),
    );
    expect(describePermissions(["events:write", "read"])).toBe("events:write, read");
  });
});
