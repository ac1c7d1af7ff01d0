// The integration guides' own requests, replayed against Tally's route handlers (/work/shared/GUIDES.md
// lists what each guide documents a client sending and receiving; API.md maps the guides' paths to
// Tally's). Every documented request is sent as the guide writes it, on Tally's path, and every
// field of the documented answer is checked: under the guide's own name where Tally answers it, or —
// where Tally keeps a shape of its own that a guide's client must map — under the field listed in
// the case's `differs`, which the test checks is still needed (a field Tally starts answering under
// the guide's name must leave that list).
import { beforeAll, describe, expect, it } from "vitest";
import * as assignPlanRoute from "@/app/api/v1/agents/[agent_id]/assign-plan/route";
import * as historyRoute from "@/app/api/v1/agents/[agent_id]/pricing-history/route";
import * as agentsRoute from "@/app/api/v1/agents/route";
import * as statsRoute from "@/app/api/v1/admin/billing/stats/route";
import * as adminCustomersRoute from "@/app/api/v1/admin/billing/customers/route";
import * as adminSubscriptionsRoute from "@/app/api/v1/admin/billing/subscriptions/route";
import * as chargesRoute from "@/app/api/v1/admin/billing/recent-charges/route";
import * as checkoutRoute from "@/app/api/v1/billing/checkout/route";
import * as dashboardRoute from "@/app/api/v1/billing/dashboard/route";
import * as billingHistoryRoute from "@/app/api/v1/billing/history/route";
import * as invoicesRoute from "@/app/api/v1/billing/invoices/route";
import * as paymentMethodsRoute from "@/app/api/v1/billing/payment-methods/route";
import * as portalRoute from "@/app/api/v1/billing/portal/route";
import * as subscriptionRoute from "@/app/api/v1/billing/subscription/route";
import * as billingUsageRoute from "@/app/api/v1/billing/usage/route";
import * as finalizeRoute from "@/app/api/v1/calls/[call_id]/finalize-cost/route";
import * as callsRoute from "@/app/api/v1/calls/route";
import * as creditProductsRoute from "@/app/api/v1/credit-products/route";
import * as consumeRoute from "@/app/api/v1/credits/consume/route";
import * as creditsRoute from "@/app/api/v1/credits/route";
import * as customersRoute from "@/app/api/v1/customers/route";
import * as usageSummaryRoute from "@/app/api/v1/customers/[id]/usage-summary/route";
import * as modelPricesRoute from "@/app/api/v1/model-prices/route";
import * as importRoute from "@/app/api/v1/plans/import/route";
import * as plansRoute from "@/app/api/v1/plans/route";
import * as publicPlansRoute from "@/app/api/v1/public/plans/route";
import * as usageRoute from "@/app/api/v1/usage/route";
import * as flexEvent from "@/app/v1/events/route";
import * as flexBulk from "@/app/v1/events/bulk/route";
import { createApiKey } from "@/lib/auth/api-keys";
import { insertCreditEvent, insertCreditProduct, insertModelPrice } from "@/lib/catalog/seed-catalog";
import { db } from "@/lib/db/client";
import { issueInvoice } from "@/lib/invoices/issue-invoice";
import { grantCredits } from "@/lib/credits/grant-credits";
import { ingestEvents } from "@/lib/metering/ingest-events";
import { listEvents } from "@/lib/metering/list-events";
import { metrics } from "@/lib/metrics";
import { addSandboxCard } from "@/lib/payments/payment-methods";
import { subscribe } from "@/lib/subscriptions/subscribe";
import { call, customerKey, makeOrg, makeUser, platformKey, sessionCookie, uid } from "./support/fixtures";
import { makeMeter, makePlan } from "./support/metering";

type Json = Record<string, unknown>;
type Reply = { status: number; json: Json };

/** A value at a dotted path (`card.brand`, `usage_summary.period.start`); undefined when any step is missing. */
function at(value: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Json)[k] : undefined), value);
}

/** A `differs` entry for what the HTTP status says in Tally (the guides' `success`, `message`). */
const BY_STATUS = "(the status)";

/**
 * The documented answer's fields: each is answered under the guide's name, or — listed in
 * `differs` with the field of Tally's answer that carries it — under Tally's, and then not under
 * the guide's (else the entry is stale and must go).
 */
function expectFields(answer: unknown, fields: string[], differs: Record<string, string> = {}) {
  const missing = fields.filter((f) => !(f in differs) && at(answer, f) === undefined);
  expect(missing, `guide fields missing from ${JSON.stringify(answer).slice(0, 600)}`).toEqual([]);
  for (const [guide, tally] of Object.entries(differs)) {
    if (tally !== BY_STATUS) expect(at(answer, tally), `${guide} is carried by ${tally}`).not.toBeUndefined();
    expect(at(answer, guide), `${guide} is now answered as the guide writes it: drop it from differs`).toBeUndefined();
  }
}

const ok = (r: Reply, status = 200) => expect(r.status, JSON.stringify(r.json)).toBe(status);
const first = (r: Reply, list = "data") => (r.json[list] as Json[])[0]!;

let platform: string;

beforeAll(async () => {
  platform = await platformKey();
});

describe("1. the FlexPrice / voice-agent billing guide", () => {
  const voiceMinutes = `voice_minutes_${uid()}`;
  const apiCalls = `api_calls_${uid()}`;
  const flexPlanId = `plan_abc123_${uid()}`;
  let customerId: string;

  beforeAll(async () => {
    await makeMeter({ code: voiceMinutes, aggregation: "sum", property: "value" });
    await makeMeter({ code: apiCalls, aggregation: "sum", property: "value" });
  });

  it("sync-from-flexprice (plans given as FlexPrice JSON) answers synced_count and plan_ids", async () => {
    const r = await call(importRoute.POST, "POST", "/api/v1/plans/import", {
      key: platform,
      body: {
        plans: [
          {
            id: flexPlanId,
            name: "Premium Plan",
            currency: "usd",
            charges: [
              { type: "usage", name: "Voice Minutes", usage_metric: voiceMinutes, rate: 0.05 },
              { type: "usage", name: "API Calls", usage_metric: apiCalls, rate: 0.01 },
              { type: "fixed", name: "Monthly Fee", amount: 10.0 },
            ],
          },
        ],
      },
    });
    ok(r);
    // The counts (created, updated, versioned, unchanged) say what changed instead of a sentence.
    expectFields(r.json, ["synced_count", "plan_ids", "success", "message"], {
      success: BY_STATUS,
      message: "created",
    });
  });

  it("POST /api/clients/ makes the billing customer (JSON, Tally's customers endpoint; no logo upload)", async () => {
    const r = await call(customersRoute.POST, "POST", "/api/v1/customers", {
      key: platform,
      body: { name: `Voice client ${uid()}`, external_id: `client-${uid()}` },
    });
    ok(r, 201);
    expectFields(r.json, ["id"]);
    customerId = r.json.id as string;
  });

  it("assign-plan by flexprice_plan_id with comments, and the pricing history with the guide's fields", async () => {
    const agent = await call(agentsRoute.POST, "POST", "/api/v1/agents", {
      key: platform,
      body: { customer_id: customerId, name: "Support line" },
    });
    ok(agent, 201);
    const agentId = agent.json.id as string;
    const assign = (body: Json) =>
      call(assignPlanRoute.POST, "POST", `/api/v1/agents/${agentId}/assign-plan`, {
        key: platform,
        params: { agent_id: agentId },
        body,
      });
    const r = await assign({ flexprice_plan_id: flexPlanId, comments: "Upgraded to premium plan" });
    ok(r);
    // previous_plan and new_plan are Tally's plan objects: the guide's id is their `id`.
    expectFields(r.json, ["history_id", "previous_plan", "new_plan", "success", "message"], {
      success: BY_STATUS,
      message: "action",
    });
    const plans = await call<{ data: { id: string; code: string }[] }>(
      plansRoute.GET,
      "GET",
      "/api/v1/plans?include_inactive=true",
      { key: platform },
    );
    const imported = plans.json.data.find((p) => p.code === flexPlanId.toLowerCase().replace(/_/g, "-"));
    expect(at(r.json, "new_plan.id")).toBe(imported?.id);
    expect(r.json.previous_plan).toBeNull();

    const unknown = await assign({ flexprice_plan_id: "plan_never_imported" });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.json)).toContain("flexprice_plan_id");

    const h = await call(historyRoute.GET, "GET", `/api/v1/agents/${agentId}/pricing-history?limit=50`, {
      key: platform,
      params: { agent_id: agentId },
    });
    ok(h);
    expectFields(h.json, ["agent_id", "current_plan", "history", "total"]);
    const row = first(h, "history");
    expectFields(row, [
      "id",
      "action",
      "pricing_id",
      "previous_pricing_id",
      "comments",
      "changed_by_user_id",
      "is_active",
      "created_at",
    ]);
    expect(row).toMatchObject({
      action: "assigned",
      pricing_id: imported?.id,
      previous_pricing_id: null,
      comments: "Upgraded to premium plan",
      // A platform key made the change, not a user.
      changed_by_user_id: null,
      is_active: true,
    });
  });

  it("an admin's change records the admin's user id as changed_by_user_id", async () => {
    const { signedInCall } = await adminSession();
    const agent = await call(agentsRoute.POST, "POST", "/api/v1/agents", {
      key: platform,
      body: { customer_id: customerId, name: `Agent ${uid()}` },
    });
    const agentId = agent.json.id as string;
    const plan = await makePlan();
    ok(
      await signedInCall.call(assignPlanRoute.POST, "POST", `/api/v1/agents/${agentId}/assign-plan`, {
        params: { agent_id: agentId },
        body: { plan_id: plan.id, comments: "by hand" },
      }),
    );
    const h = await call(historyRoute.GET, "GET", `/api/v1/agents/${agentId}/pricing-history`, {
      key: platform,
      params: { agent_id: agentId },
    });
    expect(first(h, "history")).toMatchObject({ changed_by_user_id: signedInCall.userId, pricing_id: plan.id });
  });

  it("finalize-cost prices the worked example at 10.38 and records each metric as usage", async () => {
    const agent = await call(agentsRoute.POST, "POST", "/api/v1/agents", {
      key: platform,
      body: { customer_id: customerId, name: `Agent ${uid()}` },
    });
    const agentId = agent.json.id as string;
    ok(
      await call(assignPlanRoute.POST, "POST", `/api/v1/agents/${agentId}/assign-plan`, {
        key: platform,
        params: { agent_id: agentId },
        body: { flexprice_plan_id: flexPlanId },
      }),
    );
    const started = await call(callsRoute.POST, "POST", "/api/v1/calls", {
      key: platform,
      body: { agent_id: agentId },
    });
    ok(started, 201);
    const callId = started.json.id as string;
    const r = await call(finalizeRoute.POST, "POST", `/api/v1/calls/${callId}/finalize-cost`, {
      key: platform,
      params: { call_id: callId },
      body: { usage_metrics: { [voiceMinutes]: 5.5, [apiCalls]: 10 }, send_usage: true },
    });
    ok(r);
    // The guide's `send_to_flexprice` is Tally's `send_usage` (the usage goes to Tally's own meters).
    expectFields(r.json, ["call_id", "cost", "currency", "usage_metrics", "sent_to_flexprice", "success"], {
      sent_to_flexprice: "usage_recorded",
      success: BY_STATUS,
    });
    expect(r.json).toMatchObject({ cost: "10.38", usage_recorded: true });
  });

  it("usage-summary over start_time and end_time", async () => {
    const start = new Date(Date.now() - 86_400_000).toISOString();
    const end = new Date(Date.now() + 60_000).toISOString();
    const r = await call(
      usageSummaryRoute.GET,
      "GET",
      `/api/v1/customers/${customerId}/usage-summary?start_time=${start}&end_time=${end}`,
      { key: platform, params: { id: customerId } },
    );
    ok(r);
    expectFields(
      r.json,
      [
        "success",
        "client_id",
        "flexprice_customer_id",
        "usage_summary.total_usage",
        "usage_summary.total_cost",
        "usage_summary.period.start",
        "start_time",
        "end_time",
      ],
      {
        success: BY_STATUS,
        client_id: "customer_id",
        flexprice_customer_id: "external_customer_id",
        "usage_summary.total_usage": "usage",
        "usage_summary.total_cost": "total_amount",
        "usage_summary.period.start": "usage_from",
      },
    );
  });
});

describe("2. the Ops Center guide", () => {
  let orgId: string;
  let key: string;
  let tier: string;

  beforeAll(async () => {
    const org = await makeOrg();
    orgId = org.id;
    key = await customerKey(org.id);
    const plan = await makePlan({ basePriceCents: 4900 });
    tier = plan.tier;
    await subscribe(org.id, { plan: { id: plan.id }, actor: "test", skipTrial: true });
    await db.transaction(async (tx) => {
      await addSandboxCard(tx, org.id, { number: "4242 4242 4242 4242", expMonth: 4, expYear: 2031 });
      await issueInvoice(tx, {
        orgId: org.id,
        currency: "usd",
        lines: [{ kind: "fixed", description: "Pro", amountCents: 4900 }],
        sourceKey: `guide:${org.id}`,
        issuedAt: new Date(),
        paid: false,
      });
    });
  });

  it("GET /billing/subscription", async () => {
    const r = await call(subscriptionRoute.GET, "GET", "/api/v1/billing/subscription", { key });
    ok(r);
    expectFields(r.json, [
      "tier",
      "status",
      "current_period_start",
      "current_period_end",
      "cancel_at_period_end",
      "amount",
      "interval",
      "currency",
    ]);
    expect(r.json.amount).toBe("49.00");
  });

  it("GET /billing/invoices?limit=10 answers due_date, paid and the amounts in the major unit", async () => {
    const r = await call(invoicesRoute.GET, "GET", "/api/v1/billing/invoices?limit=10", { key });
    ok(r);
    const inv = first(r);
    expectFields(
      inv,
      [
        "id",
        "number",
        "amount_due",
        "amount_paid",
        "currency",
        "status",
        "created",
        "due_date",
        "paid",
        "invoice_pdf",
        "hosted_invoice_url",
      ],
      { created: "issued_at", invoice_pdf: "pdf_url", hosted_invoice_url: "hosted_url" },
    );
    expect(inv).toMatchObject({ amount_due: "49.00", amount_paid: "0.00", paid: false, status: "open" });
  });

  it("GET /billing/payment-methods answers type, card and created", async () => {
    const r = await call(paymentMethodsRoute.GET, "GET", "/api/v1/billing/payment-methods", { key });
    ok(r);
    const pm = first(r);
    expectFields(pm, ["id", "type", "card.brand", "card.last4", "card.exp_month", "card.exp_year", "created"]);
    expect(pm).toMatchObject({ type: "card", card: { brand: "visa", last4: "4242", exp_month: 4, exp_year: 2031 } });
    expect(Number.isNaN(Date.parse(pm.created as string))).toBe(false);
  });

  it("GET /billing/usage", async () => {
    const r = await call(billingUsageRoute.GET, "GET", "/api/v1/billing/usage", { key });
    ok(r);
    // Per meter (with its unit) rather than a count per usage kind; the plan rather than a tier name.
    expectFields(
      r.json,
      [
        "usage.today",
        "usage.month",
        "credits.tier",
        "credits.included_credits",
        "credits.used",
        "credits.remaining",
        "credits.overage",
        "credits.overage_cost",
        "tier",
      ],
      {
        "usage.today": "meters",
        "usage.month": "this_month",
        "credits.tier": "plan",
        "credits.included_credits": "credits.included",
        tier: "plan",
      },
    );
  });

  it("GET /admin/billing/stats answers monthly_revenue, trial_subscriptions and tier_breakdown", async () => {
    const r = await call(statsRoute.GET, "GET", "/api/v1/admin/billing/stats", { key: platform });
    ok(r);
    expectFields(r.json, [
      "total_customers",
      "active_subscriptions",
      "trial_subscriptions",
      "monthly_revenue",
      "tier_breakdown",
    ]);
    expect(r.json.monthly_revenue).toMatch(/^\d+\.\d{2}$/);
    expect(r.json.trial_subscriptions).toBe(r.json.trialing_subscriptions);
    // The guide's object by tier name, beside Tally's list.
    expect(at(r.json, `tier_breakdown.${tier}`)).toEqual({ count: 1, revenue: "49.00" });
    const tiers = r.json.tiers as { tier: string; mrr_cents: number }[];
    expect(Object.keys(r.json.tier_breakdown as Json).sort()).toEqual(tiers.map((t) => t.tier).sort());
    // The same amount in the major unit, by integer arithmetic (no float on money).
    const mrr = r.json.mrr_cents as number;
    expect(r.json.monthly_revenue).toBe(`${Math.trunc(mrr / 100)}.${String(mrr % 100).padStart(2, "0")}`);
  });

  it("GET /admin/billing/customers, /subscriptions?status=active and /recent-charges (Tally's pages)", async () => {
    const customers = await call(adminCustomersRoute.GET, "GET", "/api/v1/admin/billing/customers?limit=100", {
      key: platform,
    });
    ok(customers);
    expectFields(customers.json, ["customers", "total"], { customers: "data", total: "next_cursor" });
    const c = (customers.json.data as Json[]).find((x) => x.id === orgId)!;
    expectFields(c, ["id", "email", "name", "created", "metadata.tier"], {
      created: "created_at",
      "metadata.tier": "plan.tier",
    });

    const subs = await call(
      adminSubscriptionsRoute.GET,
      "GET",
      "/api/v1/admin/billing/subscriptions?status=active&limit=100",
      { key: platform },
    );
    ok(subs);
    const s = (subs.json.data as Json[]).find((x) => x.customer_id === orgId)!;
    expectFields(
      s,
      [
        "id",
        "customer",
        "tier",
        "status",
        "amount",
        "currency",
        "interval",
        "current_period_end",
        "cancel_at_period_end",
      ],
      {
        customer: "customer_id",
        tier: "plan.tier",
        amount: "plan.base_price_cents",
        currency: "plan.currency",
        interval: "plan.interval",
      },
    );

    const charges = await call(chargesRoute.GET, "GET", "/api/v1/admin/billing/recent-charges?limit=20", {
      key: platform,
    });
    ok(charges);
    expectFields(charges.json, ["charges", "total"], { charges: "data", total: "next_cursor" });
  });
});

describe("3. the Kafka → FlexPrice stream guide (Benthos `output: flexprice`)", () => {
  it("POST /v1/events and /v1/events/bulk with x-api-key answer 202; a key that may only write events suffices", async () => {
    const org = await makeOrg();
    const meter = await makeMeter({ aggregation: "sum", property: "tokens" });
    // The collector's key: events:write only.
    const { key } = await createApiKey({
      scope: "platform",
      orgId: null,
      name: "collector",
      createdByUserId: null,
      permissions: ["events:write"],
    });
    const headers = { "x-api-key": key };
    const one = await call(flexEvent.POST, "POST", "/v1/events", {
      headers,
      body: {
        event_id: `b-${uid()}`,
        event_name: meter.eventName,
        external_customer_id: org.externalId,
        properties: { tokens: "12" },
        source: "kafka:usage",
      },
    });
    expect(one.status).toBe(202);
    expect(one.json).toMatchObject({ message: "accepted" });
    const bulk = await call(flexBulk.POST, "POST", "/v1/events/bulk", {
      headers,
      body: {
        events: [
          {
            event_id: `b-${uid()}`,
            event_name: meter.eventName,
            external_customer_id: org.externalId,
            properties: { tokens: 1 },
          },
          // timestamp, source and properties are optional; the id too (then Tally makes one).
          { event_name: meter.eventName, external_customer_id: org.externalId },
        ],
      },
    });
    expect(bulk.status).toBe(202);
    expect(bulk.json).toEqual({
      message: "2 accepted, 0 duplicate, 0 rejected",
      accepted: "2",
      duplicate: "0",
      rejected: "0",
    });
    expect((await listEvents(org.id, { limit: 10 })).data).toHaveLength(3);
  });

  it("answers 400 for a bad event, 401 without a key and 403 for a key without events:write", async () => {
    const bad = await call(flexEvent.POST, "POST", "/v1/events", {
      headers: { "x-api-key": platform },
      body: { external_customer_id: "x" },
    });
    expect(bad.status).toBe(400);
    expect((await call(flexEvent.POST, "POST", "/v1/events", { body: { event_name: "x" } })).status).toBe(401);
    const { key: readOnly } = await createApiKey({
      scope: "platform",
      orgId: null,
      name: "reader",
      createdByUserId: null,
      permissions: ["read"],
    });
    const refused = await call(flexBulk.POST, "POST", "/v1/events/bulk", {
      headers: { "x-api-key": readOnly },
      body: { events: [{ event_name: "x", external_customer_id: "x" }] },
    });
    expect(refused.status).toBe(403);
    expect(JSON.stringify(refused.json)).toContain("events:write");
  });
});

describe("4. the usage-based subscriptions guide (ALwrity)", () => {
  let orgId: string;
  let key: string;
  let meterCode: string;

  beforeAll(async () => {
    const org = await makeOrg();
    orgId = org.id;
    key = await customerKey(org.id);
    const meter = await makeMeter({ aggregation: "count" });
    meterCode = meter.code;
    const plan = await makePlan({
      basePriceCents: 2900,
      limits: [{ meter: meter.code, limit: 10, enforcement: "soft" }],
      charges: [{ type: "usage", meter: meter.code, model: "per_unit", unit_price: "0.01" }],
    });
    await subscribe(org.id, { plan: { id: plan.id }, actor: "test", skipTrial: true });
    await insertModelPrice({
      provider: "openai",
      model: `gpt-4-${uid()}`,
      inputPricePerToken: "0.00003",
      outputPricePerToken: "0.00006",
      currency: "usd",
      effectiveFrom: new Date(0),
    });
    await ingestEvents(
      org.id,
      Array.from({ length: 9 }, (_, i) => ({ eventId: `al-${i}`, eventName: meter.eventName, properties: {} })),
    );
  });

  it("GET /subscription/plans needs no sign-in", async () => {
    const r = await call(publicPlansRoute.GET, "GET", "/api/v1/public/plans");
    ok(r);
    expect(Array.isArray(r.json.data)).toBe(true);
  });

  it("GET /subscription/usage and /trends (usage over time)", async () => {
    const from = new Date(Date.now() - 86_400_000).toISOString();
    const r = await call(usageRoute.GET, "GET", `/api/v1/usage?from=${from}&window=day`, { key });
    ok(r);
    expectFields(r.json, ["meters"]);
  });

  it("GET /subscription/dashboard/{user_id}: subscription, usage today and this month, limits, alerts, credits, upcoming invoice in one call", async () => {
    const r = await call(dashboardRoute.GET, "GET", "/api/v1/billing/dashboard", { key });
    ok(r);
    expectFields(r.json, [
      "subscription.status",
      "usage.today",
      "usage.this_month",
      "usage.usage_cost",
      "limits",
      "alerts",
      "credits.balance",
      "upcoming_invoice.total_so_far",
    ]);
    const meter = (r.json.usage as { meters: Json[] }).meters.find((m) => m.meter === meterCode);
    expect(meter).toMatchObject({ today: "9", this_month: "9" });
    expect(r.json.limits).toEqual([expect.objectContaining({ feature: meterCode, value: 10, enforcement: "soft" })]);
    // 9 of 10: the 80 % alert is open.
    const alerts = r.json.alerts as { open_count: number; data: { threshold: string }[] };
    expect(alerts.open_count).toBeGreaterThanOrEqual(1);
    expect(alerts.data.map((a) => a.threshold)).toContain("80");
    // Each part is what its own endpoint answers.
    const own = await call(subscriptionRoute.GET, "GET", "/api/v1/billing/subscription", { key });
    expect(r.json.subscription).toEqual(own.json);
    // A platform key names the customer; another customer's key cannot read it.
    const asPlatform = await call(dashboardRoute.GET, "GET", `/api/v1/billing/dashboard?customer_id=${orgId}`, {
      key: platform,
    });
    expect(asPlatform.json.customer_id).toBe(orgId);
    const other = await customerKey((await makeOrg()).id);
    const refused = await call(dashboardRoute.GET, "GET", `/api/v1/billing/dashboard?customer_id=${orgId}`, {
      key: other,
    });
    expect(refused.status).toBe(403);
  });

  it("GET /subscription/pricing: per-token model prices", async () => {
    const r = await call(modelPricesRoute.GET, "GET", "/api/v1/model-prices", { key: platform });
    ok(r);
    const gpt4 = (r.json.data as Json[]).find((p) => String(p.model).startsWith("gpt-4-"));
    expect(gpt4).toMatchObject({ input_price_per_token: "0.00003", output_price_per_token: "0.00006" });
  });
});

describe("5. the multi-tenant Stripe credits guide", () => {
  let orgId: string;
  let externalId: string;
  let key: string;
  const basic = `api_call_basic_${uid()}`;

  beforeAll(async () => {
    const org = await makeOrg();
    orgId = org.id;
    externalId = org.externalId!;
    key = await customerKey(org.id);
    await insertCreditEvent({ code: basic, name: "Basic API call", credits: 1, category: "general", active: true });
    await grantCredits(org.id, {
      amount: 100,
      source: "purchased",
      expiresAt: null,
      reason: "guide",
      idempotencyKey: `g-${uid()}`,
      actor: "test",
    });
  });

  it("consume with organization_id and no idempotency key: accepted with a server-made key, answered and counted apart", async () => {
    const keyless = async () => (await metrics.creditConsumesKeyless.get()).values[0]?.value ?? 0;
    const before = await keyless();
    const body = { organization_id: externalId, event_name: basic, quantity: 3 };
    const r = await call(consumeRoute.POST, "POST", "/api/v1/credits/consume", { key: platform, body });
    ok(r);
    expect(r.json).toMatchObject({
      customer_id: orgId,
      credits: 3,
      balance_after: 97,
      idempotency_key_generated: true,
    });
    expect(r.json.idempotency_key).toMatch(/^idk_/);
    // Not safe to retry: the same request spends again, under a new key.
    const again = await call(consumeRoute.POST, "POST", "/api/v1/credits/consume", { key: platform, body });
    expect(again.json).toMatchObject({ balance_after: 94 });
    expect(again.json.idempotency_key).not.toBe(r.json.idempotency_key);
    expect(await keyless()).toBe(before + 2);
    // Tally's id works as organization_id too; a key sent is honoured (a replay answers the first spend).
    const keyed = { organization_id: orgId, event_name: basic, quantity: 1, idempotency_key: `k-${uid()}` };
    const k1 = await call(consumeRoute.POST, "POST", "/api/v1/credits/consume", { key: platform, body: keyed });
    const k2 = await call(consumeRoute.POST, "POST", "/api/v1/credits/consume", { key: platform, body: keyed });
    expect(k2.json).toEqual(k1.json);
    expect(k1.json).not.toHaveProperty("idempotency_key");
    expect(await keyless()).toBe(before + 2);
  });

  it("still needs a key when the customer is named Tally's way, and refuses another customer's organization_id", async () => {
    const r = await call(consumeRoute.POST, "POST", "/api/v1/credits/consume", {
      key: platform,
      body: { customer_id: orgId, event_name: basic, quantity: 1 },
    });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.json)).toContain("idempotency_key");
    const both = await call(consumeRoute.POST, "POST", "/api/v1/credits/consume", {
      key: platform,
      body: { organization_id: externalId, customer_id: orgId, event_name: basic },
    });
    expect(both.status).toBe(400);
    expect(JSON.stringify(both.json)).toContain("organization_id");
    const stranger = await customerKey((await makeOrg()).id);
    const refused = await call(consumeRoute.POST, "POST", "/api/v1/credits/consume", {
      key: stranger,
      body: { organization_id: externalId, event_name: basic },
    });
    expect(refused.status).toBe(403);
  });

  it("the balance, plans, checkout, subscription, portal, credit packs and history by organization", async () => {
    const balance = await call(creditsRoute.GET, "GET", `/api/v1/credits?external_customer_id=${externalId}`, {
      key: platform,
    });
    ok(balance);
    expectFields(balance.json, ["balance"]);
    ok(await call(plansRoute.GET, "GET", "/api/v1/plans", { key }));
    const pack = await insertCreditProduct({
      code: `pack_${uid()}`,
      name: "Pack",
      credits: 1000,
      priceCents: 1000,
      currency: "usd",
    });
    const products = await call(creditProductsRoute.GET, "GET", "/api/v1/credit-products", { key });
    ok(products);
    expect((products.json.data as Json[]).map((p) => p.id)).toContain(pack.id);
    const plan = await makePlan({ basePriceCents: 2900 });
    for (const body of [{ plan_id: plan.id }, { credit_product_id: pack.id }]) {
      const co = await call(checkoutRoute.POST, "POST", "/api/v1/billing/checkout", { key, body });
      ok(co, 201);
      expectFields(co.json, ["url"]);
    }
    ok(
      await call(subscriptionRoute.GET, "GET", `/api/v1/billing/subscription?customer_id=${orgId}`, { key: platform }),
    );
    const portal = await call(portalRoute.POST, "POST", "/api/v1/billing/portal", { key });
    ok(portal);
    expectFields(portal.json, ["url"]);
    ok(await call(billingHistoryRoute.GET, "GET", `/api/v1/billing/history?customer_id=${orgId}`, { key: platform }));
  });
});

/** An admin signed in (a session cookie), for the requests a person makes. */
async function adminSession() {
  const admin = await makeUser("admin", null);
  const cookie = await sessionCookie(admin.id);
  return {
    signedInCall: {
      userId: admin.id,
      call: (
        handler: Parameters<typeof call>[0],
        method: string,
        path: string,
        opts: Omit<NonNullable<Parameters<typeof call>[3]>, "cookie" | "key">,
      ) => call(handler, method, path, { ...opts, cookie }),
    },
  };
}
