import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import * as health from "@/app/api/health/route";
import * as metricsRoute from "@/app/api/metrics/route";
import * as openapi from "@/app/api/v1/openapi.json/route";
import * as customers from "@/app/api/v1/customers/route";
import { closeDatabase, openPostgres, installDatabase } from "@/lib/db/client";
import { call, platformKey } from "./support/fixtures";

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
    const g = globalThis as unknown as { __tallyDb?: unknown };
    const real = g.__tallyDb;
    const dead = openPostgres("postgres://nobody@127.0.0.1:1/none", 1);
    installDatabase(dead);
    try {
      const res = await call<{ status: string; database: { status: string } }>(health.GET, "GET", "/api/health");
      expect(res.status).toBe(503);
      expect(res.json.database.status).toBe("down");
    } finally {
      await closeDatabase();
      g.__tallyDb = real;
    }
  });

  it("exposes Prometheus metrics that count API requests", async () => {
    const key = await platformKey();
    await call(customers.GET, "GET", "/api/v1/customers", { key });
    const res = await metricsRoute.GET(new Request("http://tally.test/api/metrics"));
    const text = await res.text();
    expect(res.headers.get("content-type")).toContain("text/plain");
    expect(text).toMatch(/tally_http_requests_total\{route="\/api\/v1\/customers",method="GET",status="200"\} \d+/);
  });

  it("documents every /api route file's methods in the OpenAPI document", async () => {
    const res = await call<{ paths: Record<string, Record<string, unknown>> }>(openapi.GET, "GET", "/api/v1/openapi.json");
    const documented = new Set(Object.entries(res.json.paths).flatMap(([p, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${p}`)));
    const missing: string[] = [];
    for (const file of routeFiles(path.join(process.cwd(), "app/api"))) {
      if (file.includes("[...nextauth]") || file.includes(`webhooks${path.sep}stripe`)) continue;
      const apiPath = "/" + path.relative(path.join(process.cwd(), "app"), path.dirname(file)).split(path.sep).join("/").replace(/\[(\w+)\]/g, "{$1}");
      const source = fs.readFileSync(file, "utf8");
      for (const m of source.matchAll(/export (?:const|async function) (GET|POST|PATCH|PUT|DELETE)\b/g)) {
        if (!documented.has(`${m[1]} ${apiPath}`)) missing.push(`${m[1]} ${apiPath}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
