import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import * as health from "@/app/api/health/route";
import * as metricsRoute from "@/app/api/metrics/route";
import * as openapi from "@/app/api/v1/openapi.json/route";
import * as customers from "@/app/api/v1/customers/route";
import { closeDatabase, openPostgres, installDatabase, installedDatabase } from "@/lib/db/client";
import * as usageSummary from "@/app/api/v1/customers/[id]/usage-summary/route";
import { resetEnvCache } from "@/lib/env";
import { call, customerKey, makeOrg, platformKey, uid } from "./support/fixtures";

function routeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? routeFiles(p) : e.name === "route.ts" ? [p] : [];
  });
}

describe("operations endpoints", () => {
  it("reports the database as up", async () => {
    const res = await call<{ status: string; database: { status: string } }>(health.GET, "GET", "/api/health");
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: "ok", database: { status: "up" } });
  });

  it("answers 503 when the database cannot be reached", async () => {
    const real = installedDatabase();
    const dead = openPostgres("postgres://nobody@127.0.0.1:1/none", 1);
    installDatabase(dead);
    try {
      const res = await call<{ status: string; database: { status: string } }>(health.GET, "GET", "/api/health");
      expect(res.status).toBe(503);
      expect(res.json.database.status).toBe("down");
    } finally {
      await closeDatabase();
      installDatabase(real);
    }
  });

  it("exposes Prometheus metrics that count API requests, labelled by route pattern", async () => {
    const key = await platformKey();
    await call(customers.GET, "GET", "/api/v1/customers", { key });
    // Ids in the path never become labels: one series for the route, whatever the id.
    const id = `acme-${uid()}`;
    await call(
      usageSummary.GET,
      "GET",
      `/api/v1/customers/${id}/usage-summary?start_time=2024-01-01T00:00:00Z&end_time=2024-02-01T00:00:00Z`,
      { key, params: { id } },
    );
    const res = await metricsRoute.GET(
      new Request("http://tally.test/api/metrics", { headers: { authorization: `Bearer ${key}` } }),
    );
    const text = await res.text();
    expect(res.headers.get("content-type")).toContain("text/plain");
    expect(text).toMatch(/tally_http_requests_total\{route="\/api\/v1\/customers",method="GET",status="200"\} \d+/);
    expect(text).toMatch(
      /tally_http_requests_total\{route="\/api\/v1\/customers\/\{id\}\/usage-summary",method="GET",status="404"\} \d+/,
    );
    expect(text).not.toContain(id);
  });

  it("reads metrics only with METRICS_TOKEN or as an operator, unless the server listens on loopback only", async () => {
    const scrape = (authorization?: string) =>
      metricsRoute.GET(
        new Request("http://tally.test/api/metrics", { headers: authorization ? { authorization } : {} }),
      );
    const saved = { token: process.env.METRICS_TOKEN, bind: process.env.HOSTNAME_BIND };
    const set = (token: string | undefined, bind: string | undefined) => {
      for (const [k, v] of [
        ["METRICS_TOKEN", token],
        ["HOSTNAME_BIND", bind],
      ] as const)
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      resetEnvCache();
    };
    try {
      set(undefined, "0.0.0.0");
      expect((await scrape()).status).toBe(401);
      expect((await scrape(`Bearer ${await customerKey((await makeOrg()).id)}`)).status).toBe(403);
      expect((await scrape(`Bearer ${await platformKey()}`)).status).toBe(200);
      set("scrape-secret-1234", "0.0.0.0");
      expect((await scrape("Bearer scrape-secret-1234")).status).toBe(200);
      expect((await scrape("Bearer scrape-secret-1235")).status).toBe(401);
      expect((await scrape()).status).toBe(401);
      // Loopback only: this machine alone reaches the server, so no token is needed unless one is set.
      set(undefined, "127.0.0.1");
      expect((await scrape()).status).toBe(200);
      set(undefined, "::1");
      expect((await scrape()).status).toBe(200);
      set("scrape-secret-1234", "127.0.0.1");
      expect((await scrape()).status).toBe(401);
    } finally {
      set(saved.token, saved.bind);
    }
  });

  it("documents every /api route file's methods in the OpenAPI document", async () => {
    const res = await call<{ paths: Record<string, Record<string, unknown>> }>(
      openapi.GET,
      "GET",
      "/api/v1/openapi.json",
    );
    const documented = new Set(
      Object.entries(res.json.paths).flatMap(([p, methods]) =>
        Object.keys(methods).map((m) => `${m.toUpperCase()} ${p}`),
      ),
    );
    const missing: string[] = [];
    for (const file of routeFiles(path.join(process.cwd(), "app/api"))) {
      if (file.includes("[...nextauth]") || file.includes(`webhooks${path.sep}stripe`)) continue;
      const apiPath =
        "/" +
        path
          .relative(path.join(process.cwd(), "app"), path.dirname(file))
          .split(path.sep)
          .join("/")
          .replace(/\[(\w+)\]/g, "{$1}");
      const source = fs.readFileSync(file, "utf8");
      for (const m of source.matchAll(/export (?:const|async function) (GET|POST|PATCH|PUT|DELETE)\b/g)) {
        if (!documented.has(`${m[1]} ${apiPath}`)) missing.push(`${m[1]} ${apiPath}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
