// The fast path (server/serve.mjs) answers these API routes without Next's router, with the very
// handlers Next would run; everything else must fall through to Next.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as billingUsage from "@/app/api/v1/billing/usage/route";
import * as balance from "@/app/api/v1/credits/route";
import * as usageSummary from "@/app/api/v1/customers/[id]/usage-summary/route";
import * as usage from "@/app/api/v1/usage/route";
import * as consume from "@/app/api/v1/credits/consume/route";
import * as finalize from "@/app/api/v1/calls/[call_id]/finalize-cost/route";
import * as entitlements from "@/app/api/v1/entitlements/[feature]/route";
import Stripe from "stripe";
import { Readable } from "node:stream";
import * as stripeWebhook from "@/app/api/webhooks/stripe/route";
import { appUrl, resetEnvCache } from "@/lib/env";
import { originOf } from "@/lib/http/origin";
import { SINGLE_EVENT_MAX_BYTES } from "@/lib/metering/schemas";
import { match, refusal, serveNode } from "@/server/fast-routes";
import { customerKey, makeOrg, platformKey, uid } from "./support/fixtures";
import { makeMeter } from "./support/metering";

describe("fast-path routes", () => {
  it("serves the hot API routes with the app's own handlers, and decodes path parameters", () => {
    expect(match("GET", "/api/v1/credits")?.handler).toBe(balance.GET);
    expect(match("POST", "/api/v1/credits/consume")?.handler).toBe(consume.POST);
    expect(match("POST", "/api/v1/calls/call%2Fa%20b/finalize-cost")).toEqual({
      handler: finalize.POST,
      params: { call_id: "call/a b" },
    });
    expect(match("GET", "/api/v1/entitlements/api_calls")).toEqual({
      handler: entitlements.GET,
      params: { feature: "api_calls" },
    });
    expect(match("GET", "/api/v1/usage")?.handler).toBe(usage.GET);
    expect(match("GET", "/api/v1/billing/usage")?.handler).toBe(billingUsage.GET);
    expect(match("GET", "/api/v1/customers/acme/usage-summary")).toEqual({
      handler: usageSummary.GET,
      params: { id: "acme" },
    });
  });

  it("leaves other methods, longer paths and pages to Next", () => {
    expect(match("POST", "/api/v1/credits")).toBeNull();
    expect(match("GET", "/api/v1/credits/consume")).toBeNull();
    expect(match("GET", "/api/v1/credits/ledger")).toBeNull();
    expect(match("GET", "/credits")).toBeNull();
    expect(match("GET", "/api/v1/customers/acme")).toBeNull();
    expect(match("POST", "/api/v1/calls/x/finalize-cost/extra")).toBeNull();
  });
});

// The fast path reads Node's request and writes Node's response itself (no web Request or
// Response): the same answers as under Next, over a real socket.
describe("fast-path routes over Node's HTTP server", () => {
  let server: http.Server;
  let base = "";
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const r = match(req.method ?? "GET", (req.url ?? "/").split("?")[0]!);
      if (r) void serveNode(r, req, res);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** A raw request with node:http, so the body can be sent chunked (no content-length). */
  const raw = (path: string, headers: Record<string, string>, chunks: string[]) =>
    new Promise<{
      status: number;
      headers: http.IncomingHttpHeaders;
      json: { error: { code: string; message: string } };
    }>((resolve, reject) => {
      const req = http.request(`${base}${path}`, { method: "POST", headers }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, json: JSON.parse(text) }));
      });
      req.on("error", reject);
      for (const c of chunks) req.write(c);
      req.end();
    });

  it("ingests an event with the API key and Idempotency-Key headers, and answers JSON with a request id", async () => {
    const meter = await makeMeter();
    const org = await makeOrg();
    const key = await platformKey();
    const idem = `evt-${uid()}`;
    const send = () =>
      fetch(`${base}/api/v1/events`, {
        method: "POST",
        headers: {
          "x-api-key": key,
          "content-type": "application/json",
          "idempotency-key": idem,
          "x-request-id": "req-fast-1",
        },
        body: JSON.stringify({ event_name: meter.eventName, external_customer_id: org.externalId }),
      });
    const first = await send();
    expect(first.status).toBe(202);
    expect(first.headers.get("content-type")).toBe("application/json");
    expect(first.headers.get("x-request-id")).toBe("req-fast-1");
    const body = (await first.json()) as { event_id: string; message: string };
    expect(body.message).toBe("accepted");
    // The Idempotency-Key header named the event, so the same request again is a duplicate.
    const again = await send();
    expect(await again.json()).toEqual({ event_id: body.event_id, message: "duplicate" });
  });

  it("refuses a body over the limit with 413, declared or streamed, and keeps serving", async () => {
    const key = await platformKey();
    const big = JSON.stringify({ event_name: "x", properties: { pad: "x".repeat(SINGLE_EVENT_MAX_BYTES) } });
    const declared = await raw(
      "/api/v1/events",
      { "x-api-key": key, "content-type": "application/json", "content-length": String(Buffer.byteLength(big)) },
      [big],
    );
    expect(declared.status).toBe(413);
    expect(declared.json.error.code).toBe("payload_too_large");
    const half = big.slice(0, big.length / 2);
    const chunked = await raw(
      "/api/v1/events",
      { "x-api-key": key, "content-type": "application/json", "transfer-encoding": "chunked" },
      [half, big.slice(half.length)],
    );
    expect(chunked.status).toBe(413);
    expect(chunked.json.error.message).toContain(String(SINGLE_EVENT_MAX_BYTES));
    const health = await fetch(`${base}/api/health`);
    expect(health.status).toBe(200);
  });

  it("names bad JSON, a missing key and another customer's balance, as under Next", async () => {
    const key = await platformKey();
    const badJson = await raw("/api/v1/events", { "x-api-key": key, "content-type": "application/json" }, [
      '{"event_name": ',
    ]);
    expect(badJson.status).toBe(400);
    expect(badJson.json.error.message).toMatch(/not valid JSON/);
    const anonymous = await fetch(`${base}/api/v1/credits`);
    expect(anonymous.status).toBe(401);
    const [mine, theirs] = [await makeOrg(), await makeOrg()];
    const own = await customerKey(mine.id);
    const read = (id: string) =>
      fetch(`${base}/api/v1/credits?customer_id=${id}`, { headers: { authorization: `Bearer ${own}` } });
    expect((await read(mine.id)).status).toBe(200);
    const other = await read(theirs.id);
    expect(other.status).toBe(403);
    expect(((await other.json()) as { error: { code: string } }).error.code).toBe("forbidden");
  });

  it("gives a handler outside route() (Stripe's webhook) a web Request with the raw body", async () => {
    process.env.STRIPE_WEBHOOK_SECRET = "whsec_fast_path";
    resetEnvCache();
    try {
      const payload = JSON.stringify({
        id: `evt_${uid()}`,
        object: "event",
        type: "customer.created",
        created: Math.floor(Date.now() / 1000),
        livemode: false,
        data: { object: { id: "cus_x", object: "customer" } },
      });
      const header = new Stripe("sk_test_signing_only").webhooks.generateTestHeaderString({
        payload,
        secret: "whsec_fast_path",
      });
      const deliver = (body: string) =>
        fetch(`${base}/api/webhooks/stripe`, {
          method: "POST",
          headers: { "content-type": "application/json", "stripe-signature": header },
          body,
        });
      expect((await deliver(payload)).status).toBe(200);
      // One byte changed and the signature no longer holds.
      const altered = await deliver(payload.replace("cus_x", "cus_y"));
      expect(altered.status).toBe(400);
      expect(((await altered.json()) as { error: { message: string } }).error.message).toMatch(/signature/i);
    } finally {
      delete process.env.STRIPE_WEBHOOK_SECRET;
      resetEnvCache();
    }
  });
});

// Requests that used to get no answer, or were read whole into memory: a path that does not
// decode, and a webhook body of any size. Over a real socket on the fast path, and through the
// route handler as Next runs it (a web Request streaming Node's request).
describe("malformed and oversized requests get an answer, on both paths", () => {
  const servers: http.Server[] = [];
  let fastBase = "";
  let nextBase = "";
  const listen = async (server: http.Server) => {
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  beforeAll(async () => {
    // As server/serve.mjs does: a fast route, or a refusal of what Next would fail on, or Next (here a 404).
    fastBase = await listen(
      http.createServer((req, res) => {
        const path = (req.url ?? "/").split("?")[0]!;
        const r = match(req.method ?? "GET", path) ?? refusal(req, path);
        if (r) void serveNode(r, req, res);
        else res.writeHead(404).end();
      }),
    );
    // Next's adapter in small: a web Request whose body streams the Node request.
    nextBase = await listen(
      http.createServer(async (req, res) => {
        const web = new Request(`http://127.0.0.1${req.url}`, {
          method: req.method,
          headers: req.headers as Record<string, string>,
          body: Readable.toWeb(req) as ReadableStream,
          duplex: "half",
        } as RequestInit);
        const out = await stripeWebhook.POST(web);
        res.writeHead(out.status, Object.fromEntries(out.headers)).end(await out.text());
      }),
    );
  });
  afterAll(() => Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())))));

  /** Sends `megabytes` of a chunked body and never ends it: the answer must come anyway. */
  const endless = (base: string, path: string, megabytes: number) =>
    new Promise<{ status: number; body: { error: { code: string; message: string } } }>((resolve, reject) => {
      const req = http.request(
        `${base}${path}`,
        {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "transfer-encoding": "chunked",
            "stripe-signature": "t=1,v1=x",
          },
        },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (c) => (text += c));
          res.on("end", () => {
            req.destroy();
            resolve({ status: res.statusCode!, body: JSON.parse(text) });
          });
        },
      );
      req.on("error", (e) => (req.destroyed ? undefined : reject(e)));
      const chunk = "x".repeat(64 * 1024);
      for (let i = 0; i < megabytes * 16; i++) req.write(chunk);
    });

  it("answers 400 to a path that does not decode, on a fast route or before Next (which answered 500), and keeps serving", async () => {
    for (const path of [
      "/api/v1/customers/%ZZ/usage-summary",
      "/api/v1/entitlements/%E0%A4%A",
      "/api/v1/calls/%ED%A0%80/finalize-cost",
      "/api/v1/customers/%ZZ",
      "/admin/customers/%E0%A4%A",
    ]) {
      const res = await fetch(`${fastBase}${path}`, {
        method: path.includes("finalize") ? "POST" : "GET",
        signal: AbortSignal.timeout(5_000),
      });
      expect(res.status, path).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/percent-escape/);
    }
    expect((await fetch(`${fastBase}/api/health`)).status).toBe(200);
    // Escapes that decode go on to Next as before.
    expect((await fetch(`${fastBase}/admin/customers/acme%20corp`)).status).toBe(404);
  });

  it("answers 400 to a malformed Next-Router-State-Tree header before Next renders (it threw, a 500), and lets a well-formed one through", async () => {
    const page = (state: string) =>
      fetch(`${fastBase}/credits?_rsc=x`, { headers: { rsc: "1", "next-router-state-tree": state } });
    for (const bad of ["not json", "%E0%A4%A", encodeURIComponent("[1,2]"), encodeURIComponent('{"children":1}')]) {
      const res = await page(bad);
      expect(res.status, bad.slice(0, 20)).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/Next-Router-State-Tree/);
    }
    // Well-formed, as Next's client sends it: on to Next (a 404 from this test's stand-in).
    expect(
      (
        await page(
          encodeURIComponent(JSON.stringify(["", { children: ["credits", {}, null, "refetch"] }, null, null, 1])),
        )
      ).status,
    ).toBe(404);
    expect((await fetch(`${fastBase}/credits`)).status).toBe(404);
  });

  it("refuses a webhook body past 1 MB with 413 before it ends, declared or chunked, on either path", async () => {
    for (const base of [fastBase, nextBase]) {
      const chunked = await endless(base, "/api/webhooks/stripe", 3);
      expect(chunked.status, base).toBe(413);
      expect(chunked.body.error.code).toBe("payload_too_large");
      const declared = await new Promise<number>((resolve, reject) => {
        const req = http.request(
          `${base}/api/webhooks/stripe`,
          { method: "POST", headers: { "content-length": String(100 * 1024 * 1024) } },
          (res) => {
            res.resume();
            req.destroy();
            resolve(res.statusCode!);
          },
        );
        req.on("error", (e) => (req.destroyed ? undefined : reject(e)));
        req.write("{");
      });
      expect(declared, base).toBe(413);
    }
    expect((await fetch(`${fastBase}/api/health`)).status).toBe(200);
  });

  it("refuses a chunked event body past its limit before the sender ends it", async () => {
    const key = await platformKey();
    const res = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        `${fastBase}/api/v1/events/bulk`,
        {
          method: "POST",
          headers: { "x-api-key": key, "content-type": "application/json", "transfer-encoding": "chunked" },
        },
        (r) => {
          r.resume();
          req.destroy();
          // The rest is not read: the server closes the connection after the answer.
          expect(r.headers.connection).toBe("close");
          resolve(r.statusCode!);
        },
      );
      req.on("error", (e) => (req.destroyed ? undefined : reject(e)));
      const chunk = "x".repeat(64 * 1024);
      for (let i = 0; i < 16 * 12; i++) req.write(chunk);
    });
    expect(res).toBe(413);
  });

  it("builds links from APP_URL, never from the Host or X-Forwarded-Host header", () => {
    const req = new Request("http://evil.example/api/v1/billing/checkout", {
      headers: { host: "evil.example", "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" },
    });
    expect(originOf(req)).toBe(appUrl());
    expect(originOf(req)).not.toContain("evil");
  });
});
