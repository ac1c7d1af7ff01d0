// Seeded fuzzing of every documented request body, query and path (issue 15, fault suite 2), with
// fast-check: bodies shaped by each operation's zod schema (z.toJSONSchema) with hostile values, and
// the operation's well-formed sample (tests/support/api-samples.ts) with one field made wrong —
// wrong types, huge, negative and non-numbers, unicode with lone surrogates and U+0000, deep nesting,
// missing and extra fields. Every answer must be below 500; every 400 a validation_error whose
// details name the field that was made wrong; and a refused write must leave customer A's money
// and usage exactly as they were (ledger, buckets, balances, holds, events, rollups, calls,
// subscriptions and invoices, compared row for row before and after).
//
// Inputs come from fc.sample with a fixed seed per operation (so adding an operation changes no
// other's inputs), and every input is sent: the counts below go to docs/reliability.md.
import fc from "fast-check";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { operations } from "./support/api-operations";
import { db } from "@/lib/db/client";
import type { Operation } from "./support/api-operations";
import { printableKey } from "@/lib/http/nul";
import { SAMPLES, routeFile, type Sample } from "./support/api-samples";
import { call, type CallOptions } from "./support/fixtures";
import { seedWorld, type World } from "./support/world";

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: Json[];
  const?: Json;
  additionalProperties?: JsonSchema | boolean;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  maxItems?: number;
};
/** One fuzzed request, and which field it made wrong ("" when the whole body is junk). */
type Case = {
  kind: string;
  field?: string;
  body?: unknown;
  rawBody?: string;
  query?: Record<string, string>;
  rawQuery?: string;
  params?: Record<string, string>;
};

const SEED = 20261205;
const BODY_RUNS = Number(process.env.FUZZ_RUNS ?? 24);
const QUERY_RUNS = Math.ceil(BODY_RUNS / 2);

/** Single characters that have broken parsers, databases and loggers, mixed into every string. */
const NASTY_CHAR = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      "\ud800",
      "\udfff",
      "\u0000",
      "\u202e",
      "\ufeff",
      "\u2028",
      "'",
      '"',
      "\\",
      "%",
      "\n",
      "💳",
      "ß",
      "İ",
    ),
  },
  { weight: 7, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }) },
);
const nastyString = fc.string({ unit: NASTY_CHAR, maxLength: 40 });
const nested = (depth: number, leaf: Json = 1): Json => {
  let v: Json = leaf;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
};
/** Values that are wrong for almost any field. */
const NASTY_VALUE: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(
    null,
    true,
    false,
    0,
    -1,
    -0.5,
    1.5,
    -100000000000,
    1e308,
    -1e308,
    2 ** 53 + 1,
    2 ** 64,
    "NaN",
    "Infinity",
    "-Infinity",
    "1e999",
    "-1",
    "0x10",
    " 12",
    "",
    " ",
    "null",
    "true",
    [],
    {},
    [null],
    { $gt: "" },
  ),
  nastyString,
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 }),
  fc.double({ noNaN: true }),
  fc.integer({ min: 20, max: 500 }).map((d) => nested(d)),
  fc.array(nastyString, { maxLength: 3 }),
  fc.dictionary(nastyString, nastyString, { maxKeys: 3 }),
);

/** Values of a schema's type (hostile within the type: any string, any integer), so handlers see shapes that pass the parser. */
function fromSchema(s: JsonSchema, depth = 0): fc.Arbitrary<Json> {
  if (depth > 4) return NASTY_VALUE;
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const alts = s.anyOf ?? s.oneOf;
  if (alts) return fc.oneof(...alts.map((a) => fromSchema(a, depth + 1)));
  const type = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  if (type.length > 1) return fc.oneof(...type.map((t) => fromSchema({ ...s, type: t }, depth)));
  switch (type[0]) {
    case "string":
      return fc.oneof(
        nastyString,
        fc.stringMatching(/^[a-z0-9_.-]{1,12}$/),
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        fc.double({ noNaN: true }).map(String),
      );
    case "integer":
      return fc.oneof(
        fc.integer({ min: -5, max: 5 }),
        fc.integer(),
        fc.constantFrom(s.minimum ?? 0, s.maximum ?? 2 ** 53, 1e12, 1e12 + 1, -1e12 - 1, 2 ** 53 + 2),
      );
    case "number":
      return fc.oneof(
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.integer({ min: -10, max: 10 }),
        fc.constantFrom(1e308, -1e308, 5e-324),
      );
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array":
      return fc.array(s.items ? fromSchema(s.items, depth + 1) : NASTY_VALUE, {
        maxLength: Math.min(3, s.maxItems ?? 3),
      });
    case "object": {
      if (s.properties) {
        const props = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, fromSchema(v, depth + 1)]));
        return fc.record(props, { requiredKeys: [] }) as fc.Arbitrary<Json>;
      }
      return fc.dictionary(nastyString, depth > 2 ? fc.constant<Json>(1) : NASTY_VALUE, { maxKeys: 3 });
    }
    default:
      return NASTY_VALUE;
  }
}

const jsonSchema = (s: z.ZodType) => z.toJSONSchema(s, { io: "input", unrepresentable: "any" }) as JsonSchema;

/** Paths of an object's fields (and array items' fields), as the API names them: a.0.b. */
function fieldPaths(v: unknown, prefix = "", depth = 0): string[] {
  if (depth > 3 || v === null || typeof v !== "object") return [];
  return Object.entries(v as Record<string, unknown>).flatMap(([k, x]) => {
    const p = prefix ? `${prefix}.${k}` : k;
    return [p, ...fieldPaths(x, p, depth + 1)];
  });
}

function withField(v: unknown, path: string[], value: unknown | typeof REMOVE): unknown {
  const copy = Array.isArray(v) ? [...v] : { ...(v as Record<string, unknown>) };
  const [head, ...rest] = path;
  const c = copy as Record<string, unknown>;
  if (rest.length === 0) {
    if (value === REMOVE) delete c[head!];
    else c[head!] = value;
  } else c[head!] = withField(c[head!], rest, value);
  return copy;
}
const REMOVE = Symbol("remove");
const DEEP = "@@deep@@";

function bodyCases(op: Operation, sample: Sample): fc.Arbitrary<Case> {
  const base = (sample.body ?? {}) as Record<string, unknown>;
  const paths = fieldPaths(base);
  const arbs: fc.Arbitrary<Case>[] = [
    // Shaped by the schema, values hostile within their types.
    fromSchema(jsonSchema(op.body!)).map((body) => ({ kind: "schema-shaped", body })),
    // The whole body junk: null, a number, a string, an array, deep nesting.
    NASTY_VALUE.map((body) => ({ kind: "junk body", body })),
    // Deep nesting in place of a field (or as an extra one), written as text: JSON.stringify itself would run out of stack.
    fc
      .tuple(fc.constantFrom(...fieldPaths(base), "properties"), fc.integer({ min: 1_000, max: 20_000 }))
      .map(([p, d]) => ({
        kind: "deep nesting",
        field: p,
        rawBody: JSON.stringify(withField(base, p.split("."), DEEP)).replace(
          `"${DEEP}"`,
          `${'{"a":['.repeat(d)}1${"]}".repeat(d)}`,
        ),
      })),
    // An extra field, possibly named like a prototype key.
    fc
      .tuple(
        fc.oneof(
          fc.constantFrom("__proto__", "constructor", "prototype", "org_id", "orgId", "balance"),
          nastyString.filter((k) => k.length > 0),
        ),
        NASTY_VALUE,
      )
      .map(([k, v]) => ({ kind: "extra field", field: k, body: { ...base, [k]: v } })),
  ];
  if (paths.length) {
    arbs.push(
      // One field of the well-formed sample made wrong.
      fc
        .tuple(fc.constantFrom(...paths), NASTY_VALUE)
        .map(([p, v]) => ({ kind: "wrong value", field: p, body: withField(base, p.split("."), v) })),
      // One field left out.
      fc
        .constantFrom(...paths)
        .map((p) => ({ kind: "missing field", field: p, body: withField(base, p.split("."), REMOVE) })),
    );
  }
  return fc.oneof(...arbs);
}

function queryCases(op: Operation, sample: Sample): fc.Arbitrary<Case> {
  const base = sample.query ?? {};
  const names = [...new Set([...Object.keys(jsonSchema(op.query!).properties ?? {}), ...Object.keys(base)])];
  const value = fc.oneof(
    nastyString,
    NASTY_VALUE.map((v) => (typeof v === "string" ? v : JSON.stringify(v))),
  );
  return fc.oneof(
    fc
      .tuple(fc.constantFrom(...names), value)
      .map(([k, v]) => ({ kind: "wrong query value", field: k, query: { ...base, [k]: v } })),
    fc
      .record(Object.fromEntries(names.map((k) => [k, value])), { requiredKeys: [] })
      .map((q) => ({ kind: "query shaped", query: q as Record<string, string> })),
    // Escapes no decoder should choke on: malformed, an encoded surrogate half, U+0000, overlong UTF-8.
    fc
      .tuple(
        fc.constantFrom(...names),
        fc.constantFrom("%ZZ", "%", "%E0%A4%A", "%ED%A0%80", "%00", "%C0%AF", "%FF%FE", "a%2Fb", "%25%32%65"),
      )
      .map(([k, raw]) => ({
        kind: "raw escape",
        field: k,
        rawQuery: `${new URLSearchParams(base).toString()}&${k}=${raw}`,
      })),
  );
}

/**
 * Path parameters as Next hands them over: decoded from a URL, which is UTF-8, so a lone surrogate
 * arrives as U+FFFD (toWellFormed), as URLSearchParams does for the query.
 */
function paramCases(sample: Sample): fc.Arbitrary<Case> {
  const names = Object.keys(sample.params ?? {});
  const value = fc
    .oneof(nastyString, fc.constantFrom("..", "../..", "%2e%2e", " ", "x".repeat(5_000), "org_" + "0".repeat(26)))
    .map((v) => v.toWellFormed());
  return fc
    .tuple(fc.constantFrom(...names), value)
    .map(([k, v]) => ({ kind: "path param", field: k, params: { ...sample.params, [k]: v } }));
}

let w: World;
const handlers = new Map<string, Handler>();
const key = (op: { method: string; path: string }) => `${op.method.toUpperCase()} ${op.path}`;

type Who = { name: string; opts: CallOptions; named: boolean; share: number };
/**
 * Who sends an operation's cases: the platform key (naming customer A) for operator and shared
 * operations, and for shared ones A's own key as well (a third of the cases), so a customer's path
 * through the handler is fuzzed too; A's owner for a customer's own billing.
 */
function principals(op: Operation): Who[] {
  const platform = { name: "platform", opts: { key: w.platform }, named: true, share: 1 };
  if (op.auth === "customer")
    return [
      {
        name: "owner_a",
        opts: { cookie: w.sessions.ownerA, headers: { origin: "http://tally.test", "sec-fetch-site": "same-origin" } },
        named: false,
        share: 1,
      },
    ];
  if (op.auth === "any") return [platform, { name: "key_a", opts: { key: w.a.key }, named: false, share: 1 / 3 }];
  return [platform];
}

/** Customer A's money and usage as text, table by table: what a refused request must not change. */
const EFFECT_TABLES = [
  "credit_balances",
  "credit_grants",
  "credit_reservations",
  "credit_ledger",
  "usage_events",
  "event_keys",
  "usage_rollups",
  "usage_unique_values",
  "calls",
  "agents",
  "subscriptions",
  "invoices",
  "organizations",
];
async function effects(orgId: string): Promise<string> {
  const parts = EFFECT_TABLES.map((t) => {
    const col = t === "organizations" ? sql.identifier("id") : sql.identifier("org_id");
    return sql`select ${t} as t, count(*)::int as n, coalesce(md5(string_agg(x::text, '|' order by x::text)), '') as h from ${sql.identifier(t)} x where ${col} = ${orgId}`;
  });
  const res = (await db.execute(sql.join(parts, sql` union all `))) as unknown as { rows: unknown[] } | unknown[];
  return JSON.stringify(Array.isArray(res) ? res : res.rows);
}

/** Field names as the API prints them: U+0000 escaped (lib/http/nul.ts). */
const printed = printableKey;

/**
 * Does a 400's details name the field the case made wrong: itself, a field inside it, or the object
 * holding it? A field left out may instead be named by the rule it broke ("plan_id: send either
 * plan_id or credit_product_id", "(body): send at least one field to change").
 */
function namesField(details: unknown, c: Case): boolean {
  if (!Array.isArray(details) || details.length === 0) return false;
  const fields = details.map((d: { field?: unknown }) => d.field);
  if (!fields.every((f) => typeof f === "string")) return false;
  if (!c.field || c.kind === "missing field") return true;
  const f = printed(c.field);
  return (fields as string[]).some((d) => d === f || d.startsWith(`${f}.`) || f.startsWith(`${d}.`));
}

const totals = { operations: 0, requests: 0, refused: 0, fiveXX: 0, unnamed400: 0, effectsLost: 0 };
const findings: string[] = [];
const show = (c: Case) =>
  JSON.stringify({ ...c, body: JSON.stringify(c.body)?.slice(0, 300), rawBody: c.rawBody?.slice(0, 60) });

async function send(op: Operation, c: Case, sample: Sample, who: Who = principals(op)[0]!) {
  const method = op.method.toUpperCase();
  const params = c.params ?? sample.params;
  let path = op.path.replace(/\{(\w+)\}/g, (_m, k: string) => {
    const v = params?.[k] ?? "x";
    try {
      return encodeURIComponent(v);
    } catch {
      return "x"; // a lone surrogate has no URL form; the handler still gets the raw value as its param
    }
  });
  const q = c.rawQuery ?? new URLSearchParams(c.query ?? sample.query ?? {}).toString();
  if (q) path += `?${q}`;
  const hasBody = method !== "GET" && (op.body || c.body !== undefined);
  const body =
    c.rawBody ??
    (c.body !== undefined
      ? JSON.stringify(c.body)
      : sample.body !== undefined
        ? JSON.stringify(sample.body)
        : undefined);
  const headers = {
    ...who.opts.headers,
    ...(hasBody && body !== undefined ? { "content-type": "application/json" } : {}),
  };
  return call(handlers.get(key(op))!, method, path, {
    ...who.opts,
    params,
    headers,
    ...(hasBody && body !== undefined ? { rawBody: body } : {}),
  });
}

/** Sends one operation's cases as one principal and judges each answer; returns how many were sent. */
async function fuzzOperation(op: Operation, who: Who, seed: number): Promise<number> {
  const k = key(op);
  const sample = SAMPLES[k]!(w, w.a, who.named);
  const arbs: fc.Arbitrary<Case>[] = [];
  if (op.body) arbs.push(bodyCases(op, sample));
  if (op.query) arbs.push(queryCases(op, sample));
  if (sample.params && Object.keys(sample.params).length) arbs.push(paramCases(sample));
  if (!arbs.length) return 0;
  const cases = fc.sample(fc.oneof(...arbs), {
    seed,
    numRuns: Math.ceil((op.body ? BODY_RUNS : QUERY_RUNS) * who.share),
  });
  const writes = op.method !== "get";
  for (const c of cases) {
    const before = writes ? await effects(w.a.id) : "";
    const res = await send(op, c, sample, who);
    totals.requests++;
    const err = (res.json as { error?: { code?: string; details?: unknown } }).error;
    if (res.status >= 500) {
      totals.fiveXX++;
      findings.push(`${k} as ${who.name}: ${res.status} for ${show(c)}`);
      continue;
    }
    if (res.status < 400) continue;
    totals.refused++;
    if (res.status === 400 && (err?.code !== "validation_error" || !namesField(err.details, c))) {
      totals.unnamed400++;
      findings.push(
        `${k} as ${who.name}: 400 ${err?.code} ${JSON.stringify(err?.details)?.slice(0, 200)} not naming ${c.field ?? "a field"} for ${show(c)}`,
      );
    }
    if (writes && (await effects(w.a.id)) !== before) {
      totals.effectsLost++;
      findings.push(
        `${k} as ${who.name}: refused with ${res.status} but changed customer A's money or usage, for ${show(c)}`,
      );
    }
  }
  return cases.length;
}

beforeAll(async () => {
  w = await seedWorld();
  for (const op of operations) {
    const mod = (await import(/* @vite-ignore */ routeFile(op.path))) as Record<string, Handler>;
    handlers.set(key(op), mod[op.method.toUpperCase()]!);
  }
}, 120_000);

describe("seeded request fuzzing", () => {
  it("answers every fuzzed body, query and path below 500, names the field of every 400, and applies nothing of a refused write", async () => {
    for (const [index, op] of operations.entries()) {
      // Stripe's webhook authenticates by signature before it reads a field: fuzzing it is the webhook tests' job.
      if (key(op) === "POST /api/webhooks/stripe") continue;
      let sent = 0;
      for (const [j, who] of principals(op).entries()) sent += await fuzzOperation(op, who, SEED + (index + 1) * 8 + j);
      if (sent) totals.operations++;
    }
    console.info(
      `fuzz: ${totals.operations} operations, ${totals.requests} requests, ${totals.refused} refused (4xx), ${totals.fiveXX} 5xx, ${totals.unnamed400} 400s not naming the field, ${totals.effectsLost} refused writes with effects`,
    );
    expect(findings).toEqual([]);
    expect(totals.requests).toBeGreaterThan(1_000);
  }, 300_000);

  // What the fuzzer found, pinned so each stays fixed whatever the seed draws.
  it.each([
    {
      what: "an empty meter change (was an UPDATE with nothing to set: 500)",
      op: "PATCH /api/v1/meters/{id}",
      body: {},
      field: "(body)",
    },
    {
      what: "a credit event's credits past a 32-bit integer (was a database overflow: 500)",
      op: "PATCH /api/v1/credit-events/{id}",
      body: { credits: 1_000_000_000_000 },
      field: "credits",
    },
    {
      what: "a new credit event's credits past a 32-bit integer",
      op: "POST /api/v1/credit-events",
      body: { code: "ce_big", name: "Big", credits: 2 ** 31 },
      field: "credits",
    },
    {
      what: "a credit pack's credits past a 32-bit integer",
      op: "POST /api/v1/credit-products",
      body: { code: "pk_big", name: "Big", credits: 2 ** 40, price: "5" },
      field: "credits",
    },
    {
      what: "a plan's sort order past a 32-bit integer",
      op: "POST /api/v1/plans",
      body: { code: "p-big", name: "Big", interval: "month", base_price: "1", sort_order: 2 ** 40 },
      field: "sort_order",
    },
    {
      what: "a plan's included credits past a 32-bit integer",
      op: "PATCH /api/v1/plans/{id}",
      body: { included_credits: 2 ** 33 },
      field: "included_credits",
    },
  ])("refuses $what as a 400 naming the field", async ({ op: k, body, field }) => {
    const op = operations.find((o) => key(o) === k)!;
    const res = await send(op, { kind: "pinned", body }, SAMPLES[k]!(w, w.a, true));
    expect(res.status).toBe(400);
    expect((res.json as { error: { code: string; details: { field: string }[] } }).error).toMatchObject({
      code: "validation_error",
      details: [expect.objectContaining({ field })],
    });
  });
});
