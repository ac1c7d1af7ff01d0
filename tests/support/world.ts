// A small seeded world for the fault suite (tests/authz-matrix.test.ts, tests/fuzz-requests.test.ts):
// a shared catalog and two customer organizations, A and B, each with a subscription, an invoice, an
// agent with a call, credits with a consumption and an open reservation, usage events and an alert, and
// every kind of principal the API knows. Objects are made through the API where it offers a way (as a
// platform key would), so the world is what a running installation would hold.
import { FlexPriceServer } from "./flexprice-server";
import { LagoServer } from "./lago-server";
import { createTaxRate } from "@/lib/tax/rates";
import { eq, sql } from "drizzle-orm";
import * as agentsRoute from "@/app/api/v1/agents/route";
import * as callsRoute from "@/app/api/v1/calls/route";
import * as consumeRoute from "@/app/api/v1/credits/consume/route";
import * as grantsRoute from "@/app/api/v1/credits/grants/route";
import * as reservationsRoute from "@/app/api/v1/credits/reservations/route";
import * as eventsRoute from "@/app/api/v1/events/route";
import { raiseAlertOnce } from "@/lib/alerts/alerts";
import { createAddon } from "@/lib/addons/catalog";
import { insertCreditEvent, insertCreditProduct, insertFeature, insertModelPrice } from "@/lib/catalog/seed-catalog";
import { createCoupon, createPromotionCode } from "@/lib/coupons/coupons";
import { db } from "@/lib/db/client";
import { issueInvoice, issueInvoices } from "@/lib/invoices/issue-invoice";
import { issueCreditNote } from "@/lib/invoices/credit-notes";
import { invalidateMeters } from "@/lib/metering/meters";
import { createLink } from "@/lib/credits/drawdown-links";
import { subscribe } from "@/lib/subscriptions/subscribe";
import { createOverride } from "@/lib/overrides/overrides";
import { webhookDeliveries } from "@/lib/db/schema";
import { emitWebhookEvent } from "@/lib/outbound-webhooks/emit";
import { createEndpoint } from "@/lib/outbound-webhooks/endpoints";
import { call, customerKey, makeMeter, makeOrg, makePlan, makeUser, platformKey, sessionCookie, uid } from "./fixtures";

export type Org = {
  id: string;
  externalId: string;
  key: string;
  subscriptionId: string;
  invoiceId: string;
  /** An open invoice the void sample voids (the mark-paid sample pays invoiceId). */
  voidInvoiceId: string;
  /** A paid invoice the credit-note sample credits a cent of, and a credit note on it. */
  paidInvoiceId: string;
  creditNoteId: string;
  agentId: string;
  callId: string;
  reservationId: string;
  consumptionId: string;
  alertId: string;
  webhookEndpointId: string;
  webhookDeliveryId: string;
  /** An endpoint the DELETE sample may remove (the others' samples keep theirs). */
  spareWebhookEndpointId: string;
  /** An operator's override of the organization's trial (lib/overrides). */
  overrideId: string;
};

export type World = Awaited<ReturnType<typeof seedWorld>>;

async function must<T>(label: string, p: Promise<{ status: number; json: T }>): Promise<T> {
  const r = await p;
  if (r.status >= 300) throw new Error(`seeding ${label}: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json;
}

async function seedOrg(
  platform: string,
  catalog: { planId: string; creditEvent: string; meterEvent: string },
): Promise<Org> {
  const org = await makeOrg();
  const key = await customerKey(org.id);
  const sub = await subscribe(org.id, { plan: { id: catalog.planId }, actor: "test", skipTrial: true });
  const { invoice } = await db.transaction((tx) =>
    issueInvoice(tx, {
      orgId: org.id,
      currency: "usd",
      lines: [{ kind: "fixed", description: "Setup", amountCents: 1200 }],
      sourceKey: `world:${org.id}`,
      issuedAt: new Date(),
      paid: false,
    }),
  );
  const [voidable, paid] = await db.transaction(async (tx) =>
    issueInvoices(
      tx,
      [false, true].map((isPaid) => ({
        orgId: org.id,
        currency: "usd",
        lines: [{ kind: "fixed" as const, description: isPaid ? "Annual support" : "Setup", amountCents: 100_000 }],
        sourceKey: `world:${org.id}:${isPaid ? "paid" : "void"}`,
        issuedAt: new Date(),
        paid: isPaid,
      })),
    ),
  );
  const note = await issueCreditNote(
    paid!.invoice.id,
    { reason: "world", outcome: "next_invoice_balance", amount_cents: 100 },
    "test",
  );
  const agent = await must<{ id: string }>(
    "agent",
    call(agentsRoute.POST, "POST", "/api/v1/agents", {
      key: platform,
      body: { customer_id: org.id, name: `Agent ${uid()}` },
    }),
  );
  const callRow = await must<{ id: string }>(
    "call",
    call(callsRoute.POST, "POST", "/api/v1/calls", { key: platform, body: { agent_id: agent.id } }),
  );
  await must(
    "grant",
    call(grantsRoute.POST, "POST", "/api/v1/credits/grants", {
      key: platform,
      body: { customer_id: org.id, amount: 100_000, reason: "world", idempotency_key: `w-${uid()}` },
    }),
  );
  const consumed = await must<{ id: string }>(
    "consume",
    call(consumeRoute.POST, "POST", "/api/v1/credits/consume", {
      key: platform,
      body: { customer_id: org.id, event_name: catalog.creditEvent, quantity: 2, idempotency_key: `w-${uid()}` },
    }),
  );
  const reservation = await must<{ id: string }>(
    "reservation",
    call(reservationsRoute.POST, "POST", "/api/v1/credits/reservations", {
      key: platform,
      body: { customer_id: org.id, credits: 10, ttl_seconds: 3600, idempotency_key: `w-${uid()}` },
    }),
  );
  await must(
    "event",
    call(eventsRoute.POST, "POST", "/api/v1/events", {
      key: platform,
      body: { event_name: catalog.meterEvent, customer_id: org.id, event_id: `w-${uid()}`, properties: { value: 3 } },
    }),
  );
  const { alert } = await raiseAlertOnce({
    orgId: org.id,
    kind: "usage_limit",
    key: `world-${uid()}`,
    threshold: 80,
    periodKey: "world",
    message: "world alert",
  });
  const webhook = await seedWebhook(org.id);
  const override = await createOverride(org.id, { kind: "trial_days", value: { days: 30 }, reason: "world" }, "seed");
  return {
    ...webhook,
    overrideId: override.id,
    id: org.id,
    externalId: org.externalId!,
    key,
    subscriptionId: sub.id,
    invoiceId: invoice.id,
    voidInvoiceId: voidable!.invoice.id,
    paidInvoiceId: paid!.invoice.id,
    creditNoteId: note.note.id,
    agentId: agent.id,
    callId: callRow.id,
    reservationId: reservation.id,
    consumptionId: consumed.id,
    alertId: alert!.id,
  };
}

export async function seedWorld() {
  const platform = await platformKey();
  const meter = await makeMeter({ aggregation: "sum", property: "value" });
  invalidateMeters();
  const plan = await makePlan({
    basePriceCents: 2900,
    limits: [{ meter: meter.code, limit: 1_000_000, enforcement: "soft" }],
  });
  const otherPlan = await makePlan({ basePriceCents: 4900 });
  // Catalog entries for the operations that change or retire one (patch, archive, sync), so the
  // world's own plans, meter, event and pack stay usable however they are fuzzed.
  const sparePlan = await makePlan({ basePriceCents: 100 });
  const spareMeter = await makeMeter({ aggregation: "count" });
  const spareEvent = await insertCreditEvent({
    code: `ce_${uid()}`,
    name: "Spare event",
    credits: 1,
    category: "general",
    active: true,
  });
  const spareProduct = await insertCreditProduct({
    code: `pack_${uid()}`,
    name: "Spare pack",
    credits: 10,
    priceCents: 100,
    currency: "usd",
  });
  const creditEvent = await insertCreditEvent({
    code: `ce_${uid()}`,
    name: "World event",
    credits: 5,
    category: "general",
    active: true,
  });
  const product = await insertCreditProduct({
    code: `pack_${uid()}`,
    name: "World pack",
    credits: 1000,
    priceCents: 1000,
    currency: "usd",
  });
  const modelPrice = await insertModelPrice({
    provider: "openai",
    model: `m-${uid()}`,
    inputPricePerToken: "0.000001",
    outputPricePerToken: "0.000002",
    currency: "usd",
    effectiveFrom: new Date(0),
  });
  const feature = await insertFeature({ key: `feat_${uid()}`, kind: "boolean", name: "World feature" });
  // A link for the archive operation, filtered so that no event of the world matches it.
  const spareLink = await createLink({
    meter: spareMeter.code,
    creditEvent: spareEvent.code,
    filters: { never: [uid()] },
  });
  // A coupon for the promotion-code operations (codes are created against it, never redeemed).
  const coupon = await createCoupon({
    code: `W${uid()}`.toUpperCase().replace(/[^A-Z0-9]/g, ""),
    name: "World coupon",
    percent_off: "10",
    duration: "once",
    applies_to: "plan",
    plan_codes: [],
  });
  // A promotion code for the operation that turns codes on and off (never redeemed).
  const { promo } = await createPromotionCode({
    coupon_id: coupon.id,
    code: `WP${uid()}`.toUpperCase().replace(/[^A-Z0-9]/g, ""),
    active: true,
    first_time_transaction: false,
  });
  // A tax rate for the operations that rename and archive rates (a jurisdiction no test invoices).
  const taxRate = await createTaxRate({
    country: "ZZ",
    region: null,
    name: "World tax",
    percentage: "10",
    inclusive: false,
  });
  // An add-on the customers' plan fits (the billing operations preview buying it).
  const addon = await createAddon({
    code: `addon-${uid()}`,
    name: "World add-on",
    description: "",
    kind: "recurring",
    interval: "month",
    currency: "usd",
    price: "5",
    features: [],
    limits: [],
    credits: 0,
    max_quantity: 3,
    plan_codes: [],
  });
  const catalog = { planId: plan.id, creditEvent: creditEvent.code, meterEvent: meter.eventName };
  const a = await seedOrg(platform, catalog);
  const b = await seedOrg(platform, catalog);
  const [memberA, ownerA, admin] = [
    await makeUser("member", a.id),
    await makeUser("owner", a.id),
    await makeUser("admin", null),
  ];
  // Empty FlexPrice and Lago accounts on loopback for the import operations (POST /api/v1/imports/…).
  const flexKey = `flex_${uid()}`;
  const lagoKey = `lago_${uid()}`;
  const flexprice = (await new FlexPriceServer(flexKey).start()).unref();
  const lago = (await new LagoServer(lagoKey).start()).unref();
  return {
    a,
    b,
    platform,
    sources: {
      flexprice: { url: flexprice.url, key: flexKey },
      lago: { url: lago.url, key: lagoKey },
    },
    catalog: {
      meter,
      plan,
      otherPlan,
      sparePlan,
      spareMeter,
      spareEvent,
      spareProduct,
      spareLink,
      creditEvent,
      product,
      modelPrice,
      feature,
      coupon,
      promo,
      taxRate,
      addon,
    },
    sessions: {
      memberA: await sessionCookie(memberA.id),
      ownerA: await sessionCookie(ownerA.id),
      admin: await sessionCookie(admin.id),
    },
  };
}

/**
 * Every row an organization owns, table by table (every table with an org_id column), as text, so a
 * before/after comparison shows any change at all. API keys are left out: using one stamps its
 * last_used_at, which is not the organization's data.
 */
export async function orgSnapshot(orgId: string): Promise<Record<string, string>> {
  const tables = (await db.execute(
    sql`select table_name from information_schema.columns where column_name = 'org_id' and table_schema = current_schema() order by table_name`,
  )) as unknown as { rows: { table_name: string }[] } | { table_name: string }[];
  const names = (Array.isArray(tables) ? tables : tables.rows).map((r) => r.table_name).filter((t) => t !== "api_keys");
  const org = (await db.execute(sql`select * from organizations where id = ${orgId}`)) as unknown as
    { rows: unknown[] } | unknown[];
  const out: Record<string, string> = { organizations: JSON.stringify(Array.isArray(org) ? org : org.rows) };
  for (const t of names) {
    const rows = (await db.execute(sql`select * from ${sql.identifier(t)} where org_id = ${orgId}`)) as unknown as
      { rows: unknown[] } | unknown[];
    const list = (Array.isArray(rows) ? rows : rows.rows).map((r) => JSON.stringify(r)).sort();
    out[t] = list.join("\n");
  }
  return out;
}

/** A webhook endpoint of the customer's with one delivery in its log (never sent: jobs are off in tests). */
async function seedWebhook(orgId: string) {
  const endpoint = await createEndpoint(orgId, { url: "https://hooks.example.com/tally" });
  await db.transaction((tx) =>
    emitWebhookEvent(tx, { orgId, type: "invoice.paid", data: { id: "inv_world", customer_id: orgId } }),
  );
  const [delivery] = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpoint.id));
  const spare = await createEndpoint(orgId, { url: "https://hooks.example.com/spare" });
  return { webhookEndpointId: endpoint.id, webhookDeliveryId: delivery!.id, spareWebhookEndpointId: spare.id };
}
