// The authorization matrix (issue 15, fault suite 1): every documented operation × every kind of
// principal, sent to the real route handlers against a seeded world of two customers, A and B.
// Expectations come from each operation's declared `auth` (its route declaration, as the OpenAPI document shows it) with a short list of
// overrides, so a new route needs only a sample request (tests/support/api-samples.ts); a route on
// disk or in the document without one fails here. Beyond the status classes: a customer's request
// naming the other customer's object or id is a 403 or 404 and changes nothing of either customer
// (every org-owned row compared before and after), and no customer's answer ever carries the other
// customer's ids. The fast path serves the same handlers: its hot routes are sent once more over a
// socket through server/fast-routes.ts and must get the same verdicts.
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { operations } from "./support/api-operations";
import type { AuthRule } from "@/lib/http/route";
import { match, serveNode } from "@/server/fast-routes";
import { SAMPLES, routeFile, sampleUrl, type Sample } from "./support/api-samples";
import { call, type CallOptions } from "./support/fixtures";
import { orgSnapshot, seedWorld, type Org, type World } from "./support/world";

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
type Principal = "none" | "bad_key" | "key_a" | "key_b" | "member_a" | "owner_a" | "admin" | "platform";
/** ok: anything but 401/403 and never a 5xx (a well-formed request may still be a 404, 409 or 402). */
type Outcome = "ok" | 401 | 403;

const PRINCIPALS: Principal[] = ["none", "bad_key", "key_a", "key_b", "member_a", "owner_a", "admin", "platform"];
const CUSTOMERS: Principal[] = ["key_a", "key_b", "member_a", "owner_a"];
const OPERATORS: Principal[] = ["admin", "platform"];

function expected(auth: AuthRule, p: Principal): Outcome {
  // A key that is not valid is refused even where none is needed: a caller learns its key is wrong.
  if (auth === "public") return p === "bad_key" ? 401 : "ok";
  if (p === "none" || p === "bad_key") return 401;
  if (auth === "operator") return OPERATORS.includes(p) ? "ok" : 403;
  if (auth === "customer") return CUSTOMERS.includes(p) ? "ok" : 403;
  return "ok";
}

/** Where a route differs from its declared rule. */
const OVERRIDES: Record<string, Partial<Record<Principal, Outcome>>> = {
  // Billing changes are the owner's (or the organization's backend key's); members only read.
  "POST /api/v1/billing/checkout": { member_a: 403 },
  "POST /api/v1/billing/portal": { member_a: 403 },
  "POST /api/v1/billing/subscription/cancel": { member_a: 403 },
  "POST /api/v1/billing/subscription/resume": { member_a: 403 },
  "POST /api/v1/billing/subscription/change-plan": { member_a: 403 },
  "POST /api/v1/billing/addons": { member_a: 403 },
  "PUT /api/v1/credits/auto-top-up": { member_a: 403 },
  "PUT /api/v1/billing/spending-cap": { member_a: 403 },
  "PATCH /api/v1/billing/details": { member_a: 403 },
  // Webhook endpoints are changed by the owner or the organization's key; members read the log.
  "POST /api/v1/webhook-endpoints": { member_a: 403 },
  "PATCH /api/v1/webhook-endpoints/{id}": { member_a: 403 },
  "DELETE /api/v1/webhook-endpoints/{id}": { member_a: 403 },
  "POST /api/v1/webhook-endpoints/{id}/rotate-secret": { member_a: 403 },
  "POST /api/v1/webhook-endpoints/{id}/test": { member_a: 403 },
  "POST /api/v1/webhook-deliveries/{id}/replay": { member_a: 403 },
  // Stripe's webhook is not behind route(): it authenticates by signature and ignores API keys.
  "POST /api/webhooks/stripe": { bad_key: "ok" },
};

/** Operations that need Stripe, which these tests leave unconfigured: a 503 saying so is their honest answer. */
const NEEDS_STRIPE = new Set([
  "POST /api/v1/plans/sync",
  "POST /api/v1/plans/sync/{plan_id}",
  "POST /api/webhooks/stripe",
]);

/**
 * Batch ingestion judges each event alone: an event naming another customer is refused in the
 * answer (202, nothing accepted) while the request as a whole is not.
 */
const PER_ITEM: Record<string, (json: Record<string, unknown>) => boolean> = {
  "POST /api/v1/events/bulk": (j) => j.accepted === "0" && j.rejected === "1",
  "POST /api/v1/events/batch": (j) =>
    Array.isArray(j.events) &&
    j.events.every((e: { status?: string; lago_id?: unknown }) => e.status !== "accepted" && e.lago_id === null),
};

/** Cross-customer requests beyond naming the customer: another customer's object as a filter. */
const MORE_FOREIGN: Record<string, (o: Org) => Sample> = {
  "GET /api/v1/calls": (o) => ({ query: { agent_id: o.agentId } }),
};

/** The top-level fields an operation's body or query accepts. */
function fieldsOf(schema: z.ZodType | undefined): Set<string> {
  if (!schema) return new Set();
  const j = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as { properties?: Record<string, unknown> };
  return new Set(Object.keys(j.properties ?? {}));
}

const key = (op: { method: string; path: string }) => `${op.method.toUpperCase()} ${op.path}`;

function routeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? routeFiles(p) : e.name === "route.ts" ? [p] : [];
  });
}

let w: World;
const handlers = new Map<string, Handler>();
/** Every answer, for the report in docs/reliability.md. */
const tally = { requests: 0, refused: 0, fiveXX: 0, foreign: 0 };

/** What a browser sends with a session's request from the app's own pages (cookies go with a same-origin call). */
const SAME_ORIGIN = { origin: "http://tally.test", "sec-fetch-site": "same-origin" };

function credentials(p: Principal): CallOptions {
  switch (p) {
    case "none":
      return {};
    case "bad_key":
      return { key: "tly_live_not_a_real_key_000000000000" };
    case "key_a":
      return { key: w.a.key };
    case "key_b":
      return { key: w.b.key };
    case "member_a":
      return { cookie: w.sessions.memberA, headers: SAME_ORIGIN };
    case "owner_a":
      return { cookie: w.sessions.ownerA, headers: SAME_ORIGIN };
    case "admin":
      return { cookie: w.sessions.admin, headers: SAME_ORIGIN };
    case "platform":
      return { key: w.platform };
  }
}

const own = (p: Principal): Org => (p === "key_b" ? w.b : w.a);
const other = (p: Principal): Org => (p === "key_b" ? w.a : w.b);

/** Identifiers that belong to one organization only (plans, meters and packs are shared). */
const idsOf = (o: Org) => [
  o.id,
  o.externalId,
  o.subscriptionId,
  o.invoiceId,
  o.agentId,
  o.callId,
  o.reservationId,
  o.consumptionId,
  o.alertId,
  o.webhookEndpointId,
  o.webhookDeliveryId,
  o.spareWebhookEndpointId,
];

async function send(op: { method: string; path: string }, p: Principal, s: Sample) {
  const method = op.method.toUpperCase();
  const res = await call(handlers.get(key(op))!, method, sampleUrl(op.path, s), {
    ...credentials(p),
    params: s.params,
    body: method === "GET" ? undefined : (s.body ?? undefined),
  });
  tally.requests++;
  if (res.status === 401 || res.status === 403 || res.status === 404) tally.refused++;
  if (res.status >= 500 && !(res.status === 503 && NEEDS_STRIPE.has(key(op)))) tally.fiveXX++;
  return res;
}

/** The other customer's ids in a customer's answer, beyond those its own request carried. */
function leaked(p: Principal, s: Sample, json: unknown): string[] {
  if (!CUSTOMERS.includes(p)) return [];
  const text = JSON.stringify(json);
  const sent = JSON.stringify(s);
  return idsOf(other(p)).filter((id) => text.includes(id) && !sent.includes(id));
}

beforeAll(async () => {
  w = await seedWorld();
  for (const op of operations) {
    const mod = (await import(/* @vite-ignore */ routeFile(op.path))) as Record<string, Handler>;
    const h = mod[op.method.toUpperCase()];
    if (h) handlers.set(key(op), h);
  }
}, 120_000);

describe("authorization matrix", () => {
  it("has a sample request for every documented operation, and every route on disk is documented", () => {
    const documented = new Set(operations.map(key));
    const onDisk: string[] = [];
    for (const file of routeFiles(path.join(process.cwd(), "app/api"))) {
      if (file.includes("[...nextauth]")) continue; // Auth.js's own endpoints: sign-in flows, not the API.
      const apiPath =
        "/" +
        path
          .relative(path.join(process.cwd(), "app"), path.dirname(file))
          .split(path.sep)
          .join("/")
          .replace(/\[(\w+)\]/g, "{$1}");
      for (const m of fs
        .readFileSync(file, "utf8")
        .matchAll(/export (?:const|async function) (GET|POST|PATCH|PUT|DELETE)\b/g))
        onDisk.push(`${m[1]} ${apiPath}`);
    }
    expect(
      onDisk.filter((k) => !documented.has(k)),
      "route files not in the OpenAPI document",
    ).toEqual([]);
    expect(
      operations.map(key).filter((k) => !SAMPLES[k]),
      "operations without a matrix entry (tests/support/api-samples.ts)",
    ).toEqual([]);
    expect(
      Object.keys(SAMPLES).filter((k) => !documented.has(k)),
      "matrix entries for operations that no longer exist",
    ).toEqual([]);
    expect(
      operations.map(key).filter((k) => !handlers.has(k)),
      "documented operations without a handler",
    ).toEqual([]);
  });

  it("the fast path serves documented operations with the very handlers checked here", () => {
    let fast = 0;
    for (const op of operations) {
      const s = SAMPLES[key(op)]!(w, w.a, true);
      const m = match(op.method.toUpperCase(), sampleUrl(op.path, s).split("?")[0]!);
      if (!m) continue;
      fast++;
      expect(m.handler, key(op)).toBe(handlers.get(key(op)));
      expect(m.params, key(op)).toEqual(s.params ?? {});
    }
    expect(fast).toBeGreaterThanOrEqual(11);
  });

  // The fast path reads Node's request itself (headers, body, URL): the same verdicts over a socket.
  it("the fast path gives its routes the same verdicts over a socket, for every principal", async () => {
    const server = http.createServer((req, res) => {
      const r = match(req.method ?? "GET", (req.url ?? "/").split("?")[0]!);
      if (r) void serveNode(r, req, res);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const wrong: string[] = [];
    let sent = 0;
    try {
      for (const op of operations) {
        const k = key(op);
        const method = op.method.toUpperCase();
        if (!match(method, op.path.replace(/\{\w+\}/g, "x"))) continue;
        for (const p of PRINCIPALS) {
          const want = OVERRIDES[k]?.[p] ?? expected(op.auth, p);
          const s = SAMPLES[k]!(w, own(p), OPERATORS.includes(p));
          const c = credentials(p);
          const headers: Record<string, string> = { "content-type": "application/json" };
          if (c.key) headers.authorization = `Bearer ${c.key}`;
          if (c.cookie) Object.assign(headers, { cookie: c.cookie, origin: base, "sec-fetch-site": "same-origin" });
          const res = await fetch(`${base}${sampleUrl(op.path, s)}`, {
            method,
            headers,
            body: method === "GET" ? undefined : JSON.stringify(s.body ?? {}),
          });
          const text = await res.text();
          sent++;
          const got = res.status;
          const fine =
            want === "ok"
              ? got !== 401 && got !== 403 && (got < 500 || (got === 503 && NEEDS_STRIPE.has(k)))
              : got === want;
          if (!fine) wrong.push(`${k} as ${p} (fast path): want ${want}, got ${got} ${text.slice(0, 200)}`);
        }
      }
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    tally.requests += sent;
    expect(wrong).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(11 * PRINCIPALS.length);
  });

  // With nothing else in between: every attempt by a customer at the other customer's
  // objects or id. Each must be refused, and neither customer's rows may change.
  it("refuses every customer's request for the other customer's objects, and changes nothing", async () => {
    const before = { a: await orgSnapshot(w.a.id), b: await orgSnapshot(w.b.id) };
    // The snapshot sees the seeded rows (a vacuous comparison would prove nothing).
    for (const t of ["organizations", "subscriptions", "invoices", "agents", "credit_ledger", "alerts"])
      expect(before.b[t], t).toContain(w.b.id);
    const wrong: string[] = [];
    for (const op of operations) {
      const k = key(op);
      for (const p of CUSTOMERS) {
        if (expected(op.auth, p) !== "ok" || OVERRIDES[k]?.[p]) continue;
        const mine = SAMPLES[k]!(w, own(p), false);
        const theirs = SAMPLES[k]!(w, other(p), true);
        // Nothing of the other customer's in the request: a catalog operation, no tenant dimension.
        if (
          !idsOf(other(p)).some((id) => JSON.stringify(theirs).includes(id)) ||
          JSON.stringify(mine) === JSON.stringify(theirs)
        )
          continue;
        const variants = [theirs, ...(MORE_FOREIGN[k] ? [MORE_FOREIGN[k](other(p))] : [])];
        // The same request naming the other customer by external id.
        for (const part of ["body", "query"] as const) {
          const v = theirs[part] as Record<string, unknown> | undefined;
          if (v && typeof v === "object" && "customer_id" in v && fieldsOf(op[part]).has("external_customer_id")) {
            const { customer_id: _drop, ...rest } = v;
            variants.push({ ...theirs, [part]: { ...rest, external_customer_id: other(p).externalId } });
          }
        }
        for (const s of variants) {
          const res = await send(op, p, s);
          tally.foreign++;
          const refused = PER_ITEM[k]
            ? res.status === 202 && PER_ITEM[k](res.json)
            : res.status === 403 || res.status === 404;
          if (!refused)
            wrong.push(
              `${k} as ${p} with ${JSON.stringify(s)}: ${res.status} ${JSON.stringify(res.json).slice(0, 200)}`,
            );
          const l = leaked(p, s, res.json);
          if (l.length) wrong.push(`${k} as ${p}: answer carries the other customer's ${l.join(", ")}`);
        }
      }
    }
    expect(wrong).toEqual([]);
    expect({ a: await orgSnapshot(w.a.id), b: await orgSnapshot(w.b.id) }).toEqual(before);
    expect(tally.foreign).toBeGreaterThan(40);
  }, 120_000);

  it("answers every operation as its declared rule says, for every principal", async () => {
    const wrong: string[] = [];
    for (const op of operations) {
      const k = key(op);
      for (const p of PRINCIPALS) {
        const want = OVERRIDES[k]?.[p] ?? expected(op.auth, p);
        // Operators name customer A; customers act for themselves.
        const s = SAMPLES[k]!(w, own(p), OPERATORS.includes(p));
        const res = await send(op, p, s);
        const got = res.status;
        const notConfigured = got === 503 && NEEDS_STRIPE.has(k);
        const fine = want === "ok" ? got !== 401 && got !== 403 && (got < 500 || notConfigured) : got === want;
        if (want === "ok" && got >= 300 && process.env.MATRIX_VERBOSE)
          console.info(`${k} as ${p}: ${got} ${JSON.stringify(res.json).slice(0, 160)}`);
        if (!fine) wrong.push(`${k} as ${p}: want ${want}, got ${got} ${JSON.stringify(res.json).slice(0, 200)}`);
        const l = leaked(p, s, res.json);
        if (l.length) wrong.push(`${k} as ${p}: answer carries the other customer's ${l.join(", ")}`);
      }
    }
    expect(wrong).toEqual([]);
    console.info(
      `authz matrix: ${operations.length} operations × ${PRINCIPALS.length} principals; ${tally.requests} requests, ${tally.foreign} cross-customer, ${tally.refused} refused (401/403/404), ${tally.fiveXX} 5xx`,
    );
  }, 180_000);
});
