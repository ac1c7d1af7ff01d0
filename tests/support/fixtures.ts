// Test data builders: each test makes its own customers, users and keys with unique values.
import { randomUUID } from "node:crypto";
import { encode } from "next-auth/jwt";
import { createApiKey } from "@/lib/auth/api-keys";
import { createUser } from "@/lib/auth/users";
import { db } from "@/lib/db/client";
import type { Role } from "@/lib/db/schema";
import { issueInvoice } from "@/lib/invoices/issue-invoice";
import { createOrganization } from "@/lib/orgs/organizations";

export const uid = () => randomUUID().slice(0, 8);

export async function makeOrg(name = `Org ${uid()}`) {
  return createOrganization({ name, email: `billing-${uid()}@example.test`, externalId: `ext-${uid()}` });
}

/** Users get a fixed, cheap-to-type password hash placeholder unless a real password is needed. */
export async function makeUser(role: Role, orgId: string | null, passwordHash: string | null = null) {
  return createUser({ email: `${role}-${uid()}@example.test`, name: `${role} ${uid()}`, passwordHash, role, orgId });
}

export async function platformKey() {
  return (await createApiKey({ scope: "platform", orgId: null, name: "test platform", createdByUserId: null })).key;
}

export async function customerKey(orgId: string) {
  return (await createApiKey({ scope: "customer", orgId, name: "test customer", createdByUserId: null })).key;
}

/** A session token as Auth.js issues it at sign-in; `sessionVersion` is the user's at that moment (0 for a new user). */
export async function sessionCookie(userId: string, sessionVersion = 0): Promise<string> {
  const token = await encode({
    token: { sub: userId, sv: sessionVersion },
    secret: process.env.AUTH_SECRET!,
    salt: "authjs.session-token",
  });
  return `authjs.session-token=${token}`;
}

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

export type CallOptions = {
  key?: string;
  cookie?: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  params?: Record<string, string>;
};

/** Calls a route handler the way Next.js does, and parses the JSON answer. */
export async function call<T = Record<string, unknown>>(
  handler: Handler,
  method: string,
  path: string,
  opts: CallOptions = {},
) {
  const headers = new Headers(opts.headers);
  if (opts.key) headers.set("authorization", `Bearer ${opts.key}`);
  if (opts.cookie) {
    headers.set("cookie", opts.cookie);
    // What a browser adds to the app's own fetches; route() refuses cookie-authenticated changes without it (or an Origin).
    if (!headers.has("origin") && !headers.has("sec-fetch-site")) headers.set("sec-fetch-site", "same-origin");
  }
  let body: string | undefined = opts.rawBody;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers.set("content-type", "application/json");
  }
  const res = await handler(new Request(`http://tally.test${path}`, { method, headers, body }), {
    params: Promise.resolve(opts.params ?? {}),
  });
  const text = await res.text();
  let json: T;
  try {
    json = (text ? JSON.parse(text) : {}) as T;
  } catch {
    json = { text } as T;
  }
  return { status: res.status, headers: res.headers, json };
}

export async function makeMeter(
  overrides: Partial<{
    code: string;
    eventName: string;
    aggregation: "count" | "sum" | "max" | "unique_count" | "latest";
    property: string | null;
    groupBy: string[];
    unit: string;
  }> = {},
) {
  const { insertMeter } = await import("@/lib/catalog/seed-catalog");
  const code = overrides.code ?? `meter_${uid()}`;
  return insertMeter({
    code,
    name: code,
    eventName: overrides.eventName ?? code,
    aggregation: overrides.aggregation ?? "sum",
    property: overrides.aggregation === "count" ? null : (overrides.property ?? "value"),
    groupBy: overrides.groupBy ?? [],
    unit: overrides.unit ?? "unit",
  });
}

export async function makePlan(
  overrides: Partial<{
    code: string;
    interval: "month" | "year";
    basePriceCents: number;
    trialDays: number;
    includedCredits: number;
    charges: import("@/lib/rating").Charge[];
    limits: { meter: string; limit: number; enforcement: "soft" | "hard" }[];
    tier: string;
  }> = {},
) {
  const { insertPlan } = await import("@/lib/catalog/seed-catalog");
  const code = overrides.code ?? `plan-${uid()}`;
  return insertPlan({
    code,
    tier: overrides.tier ?? code,
    name: `Plan ${code}`,
    interval: overrides.interval ?? "month",
    currency: "usd",
    basePriceCents: overrides.basePriceCents ?? 2900,
    trialDays: overrides.trialDays ?? 0,
    includedCredits: overrides.includedCredits ?? 0,
    charges: overrides.charges ?? [],
    limits: overrides.limits ?? [],
  });
}

/** An invoice of fixed lines ("Line 1", "Line 2", …) of these amounts in minor units, issued now. */
export async function issueFixedInvoice(
  orgId: string,
  amounts: number[],
  opts: { currency?: string; paid?: boolean } = {},
) {
  return issueInvoice(db, {
    orgId,
    currency: opts.currency ?? "usd",
    lines: amounts.map((a, i) => ({
      kind: "fixed" as const,
      description: `Line ${i + 1}`,
      quantity: "1",
      amountCents: a,
    })),
    sourceKey: `test:${uid()}`,
    issuedAt: new Date(),
    paid: opts.paid ?? false,
  });
}
