// Every admin endpoint (each route file under app/api/v1/admin, found on disk so a new one is
// covered without editing this test) refuses customers: a customer key, an owner's session and a
// member's session get 403, no credentials 401; a platform key and an admin session get through.
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { call, customerKey, makeOrg, makeUser, platformKey, sessionCookie } from "./support/fixtures";

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

function routeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? routeFiles(p) : e.name === "route.ts" ? [p] : [];
  });
}

const root = path.join(process.cwd(), "app/api/v1/admin");
const endpoints = routeFiles(root).map((file) => {
  const rel = path.relative(path.join(process.cwd(), "app"), path.dirname(file)).split(path.sep).join("/");
  const params = Object.fromEntries([...rel.matchAll(/\[(\w+)\]/g)].map((m) => [m[1]!, "x"]));
  return { file, path: "/" + rel.replace(/\[(\w+)\]/g, "x"), params };
});

let credentials: { customerKey: string; owner: string; member: string; platform: string; admin: string };

beforeAll(async () => {
  const org = await makeOrg();
  credentials = {
    customerKey: await customerKey(org.id),
    owner: await sessionCookie((await makeUser("owner", org.id)).id),
    member: await sessionCookie((await makeUser("member", org.id)).id),
    platform: await platformKey(),
    admin: await sessionCookie((await makeUser("admin", null)).id),
  };
});

describe("admin endpoints", () => {
  it("are found on disk, the revenue ones among them", () => {
    const paths = endpoints.map((e) => e.path);
    for (const p of [
      "/api/v1/admin/billing/stats",
      "/api/v1/admin/billing/customers",
      "/api/v1/admin/billing/subscriptions",
      "/api/v1/admin/billing/recent-charges",
      "/api/v1/admin/revenue/series",
      "/api/v1/admin/revenue/economics",
      "/api/v1/admin/export/customers.csv",
      "/api/v1/admin/export/subscriptions.csv",
      "/api/v1/admin/export/invoices.csv",
      "/api/v1/admin/export/usage.csv",
    ]) {
      expect(paths).toContain(p);
    }
  });

  it.each(endpoints)("$path refuses customer keys and sessions (403) and anonymous callers (401)", async (e) => {
    const mod = (await import(/* @vite-ignore */ e.file)) as Partial<Record<(typeof METHODS)[number], Handler>>;
    const methods = METHODS.filter((m) => mod[m]);
    expect(methods.length).toBeGreaterThan(0);
    for (const m of methods) {
      const handler = mod[m]!;
      const body = m === "GET" ? undefined : {};
      expect(
        (await call(handler, m, e.path, { key: credentials.customerKey, body, params: e.params })).status,
        `${m} customer key`,
      ).toBe(403);
      expect(
        (await call(handler, m, e.path, { cookie: credentials.owner, body, params: e.params })).status,
        `${m} owner session`,
      ).toBe(403);
      expect(
        (await call(handler, m, e.path, { cookie: credentials.member, body, params: e.params })).status,
        `${m} member session`,
      ).toBe(403);
      expect((await call(handler, m, e.path, { body, params: e.params })).status, `${m} anonymous`).toBe(401);
    }
  });

  it.each(endpoints.filter((e) => !e.path.includes("/x")))(
    "$path answers a platform key and an admin session",
    async (e) => {
      const mod = (await import(/* @vite-ignore */ e.file)) as Partial<Record<"GET", Handler>>;
      if (!mod.GET) return;
      expect((await call(mod.GET, "GET", e.path, { key: credentials.platform })).status).toBe(200);
      expect((await call(mod.GET, "GET", e.path, { cookie: credentials.admin })).status).toBe(200);
    },
  );
});
