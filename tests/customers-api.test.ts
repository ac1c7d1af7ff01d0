import { describe, expect, it } from "vitest";
import * as customers from "@/app/api/v1/customers/route";
import * as customer from "@/app/api/v1/customers/[id]/route";
import { customerKey, makeOrg, makeUser, platformKey, sessionCookie, uid, call } from "./support/fixtures";

type Customer = { id: string; name: string; external_id: string | null };
type ErrorBody = {
  error: { code: string; message: string; details?: { field: string; message: string }[]; request_id: string };
};

describe("customers API", () => {
  it("lets a platform key create a customer with an external id and find it by either id", async () => {
    const key = await platformKey();
    const ext = `acme-${uid()}`;
    const res = await call<Customer>(customers.POST, "POST", "/api/v1/customers", {
      key,
      body: { name: "Acme", email: "a@acme.test", external_id: ext },
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ name: "Acme", external_id: ext });
    expect(res.headers.get("x-request-id")).toBeTruthy();
    const byExt = await call<Customer>(customer.GET, "GET", `/api/v1/customers/${ext}`, { key, params: { id: ext } });
    expect(byExt.json.id).toBe(res.json.id);
  });

  it("answers 409 when the external id is taken, and writes nothing", async () => {
    const key = await platformKey();
    const ext = `dup-${uid()}`;
    await call(customers.POST, "POST", "/api/v1/customers", { key, body: { name: "One", external_id: ext } });
    const again = await call<ErrorBody>(customers.POST, "POST", "/api/v1/customers", {
      key,
      body: { name: "Two", external_id: ext },
    });
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe("conflict");
    const list = await call<{ data: Customer[] }>(customers.GET, "GET", `/api/v1/customers?search=${ext}`, { key });
    expect(list.json.data.map((c) => c.name)).toEqual(["One"]);
  });

  it("names each bad field in a 400", async () => {
    const key = await platformKey();
    const res = await call<ErrorBody>(customers.POST, "POST", "/api/v1/customers", {
      key,
      body: { name: "", email: "not-an-email", colour: "red" },
    });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe("validation_error");
    const fields = res.json.error.details!.map((d) => d.field);
    expect(fields).toEqual(expect.arrayContaining(["name", "email"]));
    expect(res.json.error.message).toContain("name");
  });

  it("refuses a request without credentials (401) and one with a made-up key (401)", async () => {
    expect((await call(customers.GET, "GET", "/api/v1/customers")).status).toBe(401);
    const bad = await call<ErrorBody>(customers.GET, "GET", "/api/v1/customers", { key: "tly_live_nope" });
    expect(bad.status).toBe(401);
    expect(bad.json.error.code).toBe("unauthenticated");
  });

  it("shows a customer key its own organization only; another customer's is a 404", async () => {
    const mine = await makeOrg();
    const theirs = await makeOrg();
    const key = await customerKey(mine.id);
    const list = await call<{ data: Customer[] }>(customers.GET, "GET", "/api/v1/customers", { key });
    expect(list.json.data.map((c) => c.id)).toEqual([mine.id]);
    const other = await call(customer.GET, "GET", `/api/v1/customers/${theirs.id}`, { key, params: { id: theirs.id } });
    expect(other.status).toBe(404);
    const create = await call(customers.POST, "POST", "/api/v1/customers", { key, body: { name: "Sneaky" } });
    expect(create.status).toBe(403);
    const patch = await call(customer.PATCH, "PATCH", `/api/v1/customers/${mine.id}`, {
      key,
      params: { id: mine.id },
      body: { name: "Renamed" },
    });
    expect(patch.status).toBe(403);
  });

  it("lets a customer's session read its organization but not another's", async () => {
    const mine = await makeOrg();
    const theirs = await makeOrg();
    const user = await makeUser("member", mine.id);
    const cookie = await sessionCookie(user.id);
    expect(
      (await call(customer.GET, "GET", `/api/v1/customers/${mine.id}`, { cookie, params: { id: mine.id } })).status,
    ).toBe(200);
    expect(
      (await call(customer.GET, "GET", `/api/v1/customers/${theirs.id}`, { cookie, params: { id: theirs.id } })).status,
    ).toBe(404);
  });

  it("lets an admin session update a customer", async () => {
    const org = await makeOrg();
    const admin = await makeUser("admin", null);
    const res = await call<Customer>(customer.PATCH, "PATCH", `/api/v1/customers/${org.id}`, {
      cookie: await sessionCookie(admin.id),
      params: { id: org.id },
      body: { name: "New name" },
    });
    expect(res.status).toBe(200);
    expect(res.json.name).toBe("New name");
  });

  it("answers 413 for a body over the limit and 400 for malformed JSON", async () => {
    const key = await platformKey();
    const big = await call<ErrorBody>(customers.POST, "POST", "/api/v1/customers", {
      key,
      rawBody: JSON.stringify({ name: "x".repeat(1_100_000) }),
      headers: { "content-type": "application/json" },
    });
    expect(big.status).toBe(413);
    expect(big.json.error.code).toBe("payload_too_large");
    const broken = await call<ErrorBody>(customers.POST, "POST", "/api/v1/customers", {
      key,
      rawBody: "{not json",
      headers: { "content-type": "application/json" },
    });
    expect(broken.status).toBe(400);
  });
});
