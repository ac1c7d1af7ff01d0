// A period's usage becomes money on both rails: the same scenario (usage, a plan change, a cancel,
// credit overage, agent calls) is played on a local (sandbox) subscription and on a Stripe one, and
// both bill the same lines to the cent — on Tally's invoice, and as invoice items on Stripe's
// renewal draft (or a separate Stripe invoice) added exactly once, whatever the webhooks do.
import { and, eq, inArray, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import * as upcomingRoute from "@/app/api/v1/billing/upcoming-invoice/route";
import * as overridesRoute from "@/app/api/v1/customers/[id]/overrides/route";
import * as overrideOne from "@/app/api/v1/customers/[id]/overrides/[overrideId]/route";
import * as metricsRoute from "@/app/api/metrics/route";
import { reconcileStripePeriods } from "@/lib/payments/reconcile-stripe-periods";
import { createAgent } from "@/lib/agents/agents";
import { startCall } from "@/lib/agents/calls";
import { finalizeCallCost } from "@/lib/agents/finalize-call-cost";
import { syncAllPlansFromStripe } from "@/lib/catalog/sync-stripe-plans";
import { consumeCredits } from "@/lib/credits/consume-credits";
import { updateCreditSettings } from "@/lib/credits/settings";
import { getCreditBalance } from "@/lib/credits/balance";
import { grantCredits } from "@/lib/credits/grant-credits";
import { db } from "@/lib/db/client";
import {
  invoiceLines,
  invoices,
  meters,
  organizations,
  periodBillings,
  plans,
  subscriptions,
  type Plan,
} from "@/lib/db/schema";
import { runDueJobs } from "@/lib/jobs/outbox";
import { retractUsage } from "@/lib/metering/corrections";
import { ingestEvents } from "@/lib/metering/ingest-events";
import { invalidateMeters } from "@/lib/metering/meters";
import { cancelAtPeriodEnd, cancelNow, changePlan } from "@/lib/payments/lifecycle";
import { addSandboxCard } from "@/lib/payments/payment-methods";
import type { Charge } from "@/lib/rating";
import { rollOverSubscriptions } from "@/lib/subscriptions/rollover";
import { periodLinesFor } from "@/lib/payments/usage-lines";
import { subscribe } from "@/lib/subscriptions/subscribe";
import { periodBounds } from "@/lib/time";
import { dec, roundToMinor } from "@/lib/money";
import { formatDate } from "@/lib/format";
import type { UpcomingInvoiceJson } from "@/lib/payments/schemas";
import { call, customerKey, makeMeter, makeOrg, makePlan, platformKey, uid } from "./support/fixtures";
import { deliverStripeEvent, withStripeServer } from "./support/stripe-env";

const SECRET = "whsec_period_billing";
const stripe = withStripeServer({ STRIPE_WEBHOOK_SECRET: SECRET });
const HOUR = 3_600_000;
const sec = (d: Date) => Math.floor(d.getTime() / 1000);

let minutes: { code: string; eventName: string };
let tokensMeter: { code: string; eventName: string };
let starter: Plan, pro: Plan, voice: Plan, tokens: Plan;
let prices: { starter: string; pro: string; tokens: string };

beforeAll(async () => {
  minutes = await makeMeter({ aggregation: "sum", property: "minutes", unit: "minute" });
  invalidateMeters();
  tokensMeter = await makeMeter({ aggregation: "sum", property: "tokens", groupBy: ["model"], unit: "token" });
  invalidateMeters();
  const a = stripe.createProduct({ name: `Starter ${uid()}` });
  const b = stripe.createProduct({ name: `Pro ${uid()}` });
  const t = stripe.createProduct({ name: `Tokens ${uid()}` });
  prices = {
    starter: stripe.createPrice({ product: a.id, unit_amount: 2900, recurring: { interval: "month" } }).id,
    pro: stripe.createPrice({ product: b.id, unit_amount: 9900, recurring: { interval: "month" } }).id,
    tokens: stripe.createPrice({ product: t.id, unit_amount: 0, recurring: { interval: "month" } }).id,
  };
  await syncAllPlansFromStripe();
  const withCharges = async (price: string, charges: Charge[]) =>
    (await db.update(plans).set({ charges }).where(eq(plans.stripePriceId, price)).returning())[0]!;
  // Starter: 10 minutes included, then 0.035 a minute; Pro: 0.02 a minute, nothing included.
  starter = await withCharges(prices.starter, [
    { type: "usage", meter: minutes.code, model: "per_unit", unit_price: "0.035", included_quantity: "10" },
  ]);
  pro = await withCharges(prices.pro, [{ type: "usage", meter: minutes.code, model: "per_unit", unit_price: "0.02" }]);
  tokens = await withCharges(prices.tokens, [
    {
      type: "usage",
      meter: tokensMeter.code,
      model: "group",
      group_by: "model",
      prices: { "gpt-4": "0.0000375", "claude-3": "0.00001875" },
    },
  ]);
  // The FlexPrice guide's agent plan: 0.05 a minute and a 10.00 monthly fee.
  voice = await makePlan({
    basePriceCents: 0,
    charges: [
      { type: "usage", meter: minutes.code, model: "per_unit", unit_price: "0.05" },
      { type: "fixed", name: "Monthly Fee", amount: "10.00" },
    ],
  });
});

const deliver = (event: Record<string, unknown>) => deliverStripeEvent(event, SECRET);

const later = (ms: number) => new Date(Date.now() + ms);
/** Runs the outbox until nothing is due at `at` (retries included). */
async function drain(at = later(1000)) {
  for (let i = 0; i < 20 && (await runDueJobs(at)) > 0; i++);
}

/** A period that holds "now": it began ten days ago, so usage sent now (and hours ago) falls inside. */
function period() {
  const start = new Date(Math.floor((Date.now() - 10 * 24 * HOUR) / 1000) * 1000);
  return periodBounds(start, "month", 0);
}

type Rail = "local" | "stripe";
type World = {
  rail: Rail;
  orgId: string;
  subId: string;
  stripeSubId: string | null;
  period: { start: Date; end: Date };
};

async function subscribed(rail: Rail, plan: Plan = starter): Promise<World> {
  const org = await makeOrg();
  const p = period();
  if (rail === "local") {
    await db.transaction((tx) => addSandboxCard(tx, org.id, { number: "4242424242424242" }));
    const sub = await subscribe(org.id, {
      plan: { id: plan.id },
      actor: "test",
      now: p.start,
      skipTrial: true,
      provider: "local",
    });
    return { rail, orgId: org.id, subId: sub.id, stripeSubId: null, period: p };
  }
  await drain(); // the outbox creates the Stripe customer
  const [row] = await db.select().from(organizations).where(eq(organizations.id, org.id));
  const s = stripe.createSubscription({
    customer: row!.stripeCustomerId!,
    price: plan.stripePriceId!,
    periodStart: sec(p.start),
    periodEnd: sec(p.end),
  });
  await deliver(stripe.event("customer.subscription.created", s));
  const [sub] = await db.select().from(subscriptions).where(eq(subscriptions.stripeSubscriptionId, s.id));
  return { rail, orgId: org.id, subId: sub!.id, stripeSubId: s.id, period: p };
}

async function usage(w: World, amount: string, at: Date) {
  // Sent at `at` (a test plays the hours after a plan change that happens now).
  const r = await ingestEvents(
    w.orgId,
    [{ eventId: `u-${uid()}`, eventName: minutes.eventName, timestamp: at, properties: { minutes: amount } }],
    { now: new Date(Math.max(Date.now(), at.getTime())) },
  );
  expect(r.outcomes[0]!.status).toBe("accepted");
}

/** Closes the period the way the rail does: Tally's rollover, or Stripe renewing with a draft invoice. */
async function renew(
  w: World,
  events: (e: {
    invoice: Record<string, unknown>;
    subscription: Record<string, unknown>;
  }) => Record<string, unknown>[] = (e) => [
    stripe.event("invoice.created", e.invoice),
    stripe.event("customer.subscription.updated", e.subscription),
  ],
) {
  if (w.rail === "local") {
    await rollOverSubscriptions(new Date(w.period.end.getTime() + 1000));
    return null;
  }
  const r = stripe.renewSubscription(w.stripeSubId!);
  for (const e of events(r)) await deliver(e);
  await drain();
  return r.invoice.id as string;
}

/** The usage lines billed for the subscription, as `kind:key → cents` (ids without the subscription, which differs by rail). */
async function billed(w: World): Promise<Record<string, number>> {
  const strip = (id: string) => id.slice(id.indexOf(":", id.indexOf("Z:")) + 1);
  const out: Record<string, number> = {};
  if (w.rail === "local") {
    const rows = await db
      .select({ line: invoiceLines })
      .from(invoiceLines)
      .innerJoin(invoices, eq(invoices.id, invoiceLines.invoiceId))
      .where(eq(invoices.subscriptionId, w.subId));
    for (const { line } of rows) {
      const id = line.details?.line_id;
      if (typeof id !== "string") continue;
      expect(out[strip(id)], `line ${id} billed twice`).toBeUndefined();
      out[strip(id)] = line.amountCents;
    }
    return out;
  }
  for (const item of stripe.list(
    "invoiceitem",
    (i) => String((i.metadata as Record<string, string>).tally_subscription_id) === w.subId,
  )) {
    const id = (item.metadata as Record<string, string>).tally_line_id!;
    expect(out[strip(id)], `line ${id} added to Stripe twice`).toBeUndefined();
    out[strip(id)] = Number(item.amount);
  }
  return out;
}

const itemsOn = (invoiceId: string) => stripe.invoiceItems(invoiceId).map((i) => Number(i.amount));

describe.each(["local", "stripe"] as const)("the period's usage on the %s rail", (rail) => {
  it("bills the ended period's usage past the included units at renewal, once", async () => {
    const w = await subscribed(rail);
    await usage(w, "12.5", later(-3 * HOUR));
    await usage(w, "13", later(-2 * HOUR));
    const draft = await renew(w);
    // 25.5 minutes, 10 included: 15.5 × 0.035 = 0.5425 → 54 cents.
    expect(await billed(w)).toEqual({ [`usage:${starter.id}:${minutes.code}`]: 54 });
    if (draft) {
      expect(itemsOn(draft)).toEqual([54]);
      const item = stripe.invoiceItems(draft)[0]!;
      expect(item).toMatchObject({ currency: "usd", period: { start: sec(w.period.start), end: sec(w.period.end) } });
      expect(String(item.description)).toContain("25.5 minute");
      expect(stripe.objects.get(draft)!.total).toBe(2900 + 54);
      // The delayed check for a missed invoice.created finds the period billed and adds nothing.
      await drain(later(3 * HOUR));
      expect(stripe.invoiceItems()).toHaveLength(stripe.invoiceItems().length);
      expect(await billed(w)).toEqual({ [`usage:${starter.id}:${minutes.code}`]: 54 });
    }
  });

  it("prices a per-model (group) charge per model: tokens of each model at that model's price", async () => {
    const w = await subscribed(rail, tokens);
    const r = await ingestEvents(w.orgId, [
      {
        eventId: `t-${uid()}`,
        eventName: tokensMeter.eventName,
        timestamp: later(-2 * HOUR),
        properties: { model: "gpt-4", tokens: 400_000 },
      },
      {
        eventId: `t-${uid()}`,
        eventName: tokensMeter.eventName,
        timestamp: later(-2 * HOUR),
        properties: { model: "claude-3", tokens: 200_000 },
      },
    ]);
    expect(r.outcomes.map((o) => o.status)).toEqual(["accepted", "accepted"]);
    await renew(w);
    // 400,000 × 0.0000375 + 200,000 × 0.00001875 = 15.00 + 3.75.
    expect(await billed(w)).toEqual({ [`usage:${tokens.id}:${tokensMeter.code}`]: 1875 });
  });

  it("splits the period at a mid-period upgrade: usage before on the old plan, after on the new", async () => {
    const w = await subscribed(rail);
    // Stripe records the change when it happens: the upgrade is now, usage after it is played later.
    const at = later(HOUR);
    await usage(w, "40", later(-2 * HOUR));
    await changePlan(w.orgId, pro.id, "test", at);
    await usage(w, "100", later(2 * HOUR));
    await renew(w);
    const splitAt = new Date(Math.floor(at.getTime() / HOUR) * HOUR);
    const split = splitAt.toISOString();
    // Before: Starter's 10 included minutes prorated by its share of the period (about a third), the
    // rest of the 40 at 0.035; after: 100 × 0.02 = 2.00 (Pro includes none).
    const included = dec(10)
      .mul(splitAt.getTime() - w.period.start.getTime())
      .div(w.period.end.getTime() - w.period.start.getTime())
      .toDecimalPlaces(6);
    const before = roundToMinor(dec(40).minus(included).mul("0.035"), "usd");
    expect(before).toBeGreaterThan(105); // a whole period's 10 minutes would have left 30 billable: 1.05
    expect(await billed(w)).toEqual({
      [`usage:${starter.id}:${minutes.code}:${w.period.start.toISOString()}`]: before,
      [`usage:${pro.id}:${minutes.code}:${split}`]: 200,
    });
  });

  it("bills a period before a downgrade at its end on the plan it had", async () => {
    const w = await subscribed(rail, pro);
    await usage(w, "50", later(-2 * HOUR));
    await changePlan(w.orgId, starter.id, "test", later(-HOUR));
    await renew(w);
    expect(await billed(w)).toEqual({ [`usage:${pro.id}:${minutes.code}`]: 100 });
  });

  it("cancelled at the period end: the last period's usage is billed once when it ends", async () => {
    const w = await subscribed(rail);
    await usage(w, "30", later(-2 * HOUR));
    await cancelAtPeriodEnd(w.orgId, "test");
    if (rail === "local") await rollOverSubscriptions(new Date(w.period.end.getTime() + 1000));
    else {
      const ended = stripe.updateSubscription(w.stripeSubId!, { status: "canceled", ended_at: sec(w.period.end) });
      await deliver(stripe.event("customer.subscription.deleted", ended));
      await deliver(stripe.event("customer.subscription.deleted", ended));
      await drain();
      const sep = await db.select().from(periodBillings).where(eq(periodBillings.subscriptionId, w.subId));
      expect(sep).toMatchObject([{ status: "billed", target: "separate" }]);
      expect(stripe.objects.get(sep[0]!.stripeInvoiceId!)).toMatchObject({
        status: "paid",
        total: 70,
        auto_advance: true,
      });
    }
    expect(await billed(w)).toEqual({ [`usage:${starter.id}:${minutes.code}`]: 70 });
  });

  it("cancelled now: the usage so far, the current hour's included, is billed once", async () => {
    const w = await subscribed(rail);
    await usage(w, "30", later(-2 * HOUR));
    await usage(w, "10", new Date());
    await cancelNow(w.orgId, "test");
    await drain();
    expect(await billed(w)).toEqual({ [`usage:${starter.id}:${minutes.code}`]: 105 });
  });

  it("bills credit overage at the price it was recorded at", async () => {
    const w = await subscribed(rail);
    await updateCreditSettings(w.orgId, { allowOverage: true, overagePricePerCredit: "0.012" });
    const r = await consumeCredits(w.orgId, {
      credits: 250,
      idempotencyKey: `c-${uid()}`,
      actor: "test",
      now: later(-HOUR),
    });
    expect(r.body.overage_credits).toBe(250);
    await renew(w);
    expect(await billed(w)).toEqual({ "overage:0.012": 300 });
    // Billed, so settled: the debt is gone, and credits bought next are the customer's whole.
    expect(await getCreditBalance(w.orgId)).toMatchObject({ balance: 0, overage: 0 });
    await grantCredits(w.orgId, {
      amount: 500,
      source: "purchased",
      expiresAt: null,
      reason: "pack",
      idempotencyKey: `g-${uid()}`,
      actor: "test",
    });
    expect(await getCreditBalance(w.orgId)).toMatchObject({ balance: 500, overage: 0 });
  });

  it("does not bill overage that credits granted during the period already repaid", async () => {
    const w = await subscribed(rail);
    await updateCreditSettings(w.orgId, { allowOverage: true, overagePricePerCredit: "0.012" });
    await consumeCredits(w.orgId, { credits: 250, idempotencyKey: `c-${uid()}`, actor: "test", now: later(-2 * HOUR) });
    // A pack bought later in the period repays 200 of the 250 owed.
    await grantCredits(w.orgId, {
      amount: 200,
      source: "purchased",
      expiresAt: null,
      reason: "pack",
      idempotencyKey: `g-${uid()}`,
      actor: "test",
      now: later(-HOUR),
    });
    await renew(w);
    expect(await billed(w)).toEqual({ "overage:0.012": 60 });
    expect(await getCreditBalance(w.orgId)).toMatchObject({ balance: 0, overage: 0 });
  });

  it("bills agent calls through the call, never also by the meter, and the agent plan's fee once per agent", async () => {
    const w = await subscribed(rail);
    const busy = await createAgent(w.orgId, { name: "Support bot", description: "", planId: voice.id }, "test");
    const idle = await createAgent(w.orgId, { name: "Idle bot", description: "", planId: voice.id }, "test");
    for (const q of ["5.5", "5.5", "5.5"]) {
      const c = await startCall(w.orgId, { agentId: busy.agent.id, startedAt: later(-3 * HOUR) });
      const done = await finalizeCallCost(w.orgId, c.id, {
        usageMetrics: { [minutes.code]: q },
        sendUsage: true,
        endedAt: later(-2 * HOUR),
      });
      // The FlexPrice answer stays, and says which part is usage and which the fixed fee.
      expect(done).toMatchObject({
        cost: "10.28",
        usage_cost: "0.28",
        usage_cost_exact: "0.275",
        fixed_charges: "10.00",
      });
    }
    await usage(w, "20", later(-2 * HOUR));
    await renew(w);
    // The meter line counts only the 20 minutes sent directly (10 billable); the calls' 16.5 minutes
    // are billed once, through the calls: 3 × 0.275 = 0.825 → 83 cents; the 10.00 fee once per agent.
    expect(await billed(w)).toEqual({
      [`usage:${starter.id}:${minutes.code}`]: 35,
      [`call_usage:${voice.id}:${minutes.code}`]: 83,
      [`agent_fixed:${busy.agent.id}:${voice.id}`]: 1000,
      [`agent_fixed:${idle.agent.id}:${voice.id}`]: 1000,
    });
  });
});

describe("closing a batch of periods", () => {
  /** Each period's lines read alone, before anything closes: line id → cents. */
  async function alone(worlds: World[]) {
    const out = new Map<string, Record<string, number>>();
    for (const w of worlds) {
      const [sub] = await db.select().from(subscriptions).where(eq(subscriptions.id, w.subId));
      const lines = await periodLinesFor(db, sub!, w.period);
      out.set(w.subId, Object.fromEntries(lines.map((l) => [l.id, l.amountCents])));
    }
    return out;
  }
  /** The period lines on the subscription's invoices: line id → cents. */
  async function onInvoices(w: World) {
    const rows = await db
      .select({ line: invoiceLines })
      .from(invoiceLines)
      .innerJoin(invoices, eq(invoices.id, invoiceLines.invoiceId))
      .where(eq(invoices.subscriptionId, w.subId));
    return Object.fromEntries(
      rows.flatMap(({ line }) =>
        typeof line.details?.line_id === "string" ? [[line.details.line_id, line.amountCents]] : [],
      ),
    );
  }
  const closeAt = (worlds: World[]) => new Date(Math.max(...worlds.map((w) => w.period.end.getTime())) + 1000);

  it("bills each period of the batch the lines it gets alone", async () => {
    // Closed together by one rollover run: usage, per-model tokens, a mid-period upgrade, credit overage, agent calls,
    // and a subscription in its second period whose first period's usage partly arrived after it was billed.
    const second = period();
    const anchor = new Date(second.start);
    anchor.setUTCMonth(anchor.getUTCMonth() - 1);
    const firstPeriod = periodBounds(anchor, "month", 0);
    const lateOrg = await makeOrg();
    await db.transaction((tx) => addSandboxCard(tx, lateOrg.id, { number: "4242424242424242" }));
    const lateSub = await subscribe(lateOrg.id, {
      plan: { id: starter.id },
      actor: "test",
      now: anchor,
      skipTrial: true,
      provider: "local",
    });
    const late: World = {
      rail: "local",
      orgId: lateOrg.id,
      subId: lateSub.id,
      stripeSubId: null,
      period: periodBounds(anchor, "month", 1),
    };
    await usage(late, "25.5", new Date(anchor.getTime() + 24 * HOUR));
    expect(await rollOverSubscriptions(new Date(firstPeriod.end.getTime() + 1000))).toBe(1);
    const firstBilled = await onInvoices(late);
    expect(Object.values(firstBilled)).toEqual([54]);
    await usage(late, "10", new Date(anchor.getTime() + 48 * HOUR)); // the first period's, received late
    await usage(late, "20", later(-2 * HOUR));
    const plain = await subscribed("local");
    await usage(plain, "25.5", later(-2 * HOUR));
    const models = await subscribed("local", tokens);
    await ingestEvents(models.orgId, [
      {
        eventId: `t-${uid()}`,
        eventName: tokensMeter.eventName,
        timestamp: later(-2 * HOUR),
        properties: { model: "gpt-4", tokens: 400_000 },
      },
      {
        eventId: `t-${uid()}`,
        eventName: tokensMeter.eventName,
        timestamp: later(-HOUR),
        properties: { tokens: 1000 },
      },
    ]);
    const upgraded = await subscribed("local");
    await usage(upgraded, "40", later(-2 * HOUR));
    await changePlan(upgraded.orgId, pro.id, "test", later(HOUR));
    await usage(upgraded, "100", later(2 * HOUR));
    const overage = await subscribed("local");
    await updateCreditSettings(overage.orgId, { allowOverage: true, overagePricePerCredit: "0.012" });
    await consumeCredits(overage.orgId, {
      credits: 250,
      idempotencyKey: `c-${uid()}`,
      actor: "test",
      now: later(-HOUR),
    });
    const agents = await subscribed("local");
    const bot = await createAgent(agents.orgId, { name: "Bot", description: "", planId: voice.id }, "test");
    const c = await startCall(agents.orgId, { agentId: bot.agent.id, startedAt: later(-3 * HOUR) });
    await finalizeCallCost(agents.orgId, c.id, {
      usageMetrics: { [minutes.code]: "5.5" },
      sendUsage: true,
      endedAt: later(-2 * HOUR),
    });
    await usage(agents, "20", later(-2 * HOUR));
    const worlds = [plain, models, upgraded, overage, agents, late];
    const expected = await alone(worlds);
    expect(Object.values(expected.get(plain.subId)!)).toEqual([54]);
    expect(Object.values(expected.get(models.subId)!)).toEqual([1500]); // tokens without a model are named, not priced
    expect(Object.values(expected.get(upgraded.subId)!)).toEqual([128, 200]); // Starter's included minutes prorated to its part of the period
    expect(Object.values(expected.get(overage.subId)!)).toEqual([300]);
    expect(Object.values(expected.get(agents.subId)!)).toEqual([35, 28, 1000]);
    // 20 minutes, 10 billable: 35; the first period's 10 late minutes: 89 in all less 54 billed.
    expect(Object.values(expected.get(late.subId)!)).toEqual([35, 35]);
    expect(Object.keys(expected.get(late.subId)!)[1]).toContain(`:late_usage:${firstPeriod.start.toISOString()}:`);
    expected.set(late.subId, { ...firstBilled, ...expected.get(late.subId)! });

    const at = closeAt(worlds);
    expect(await rollOverSubscriptions(at)).toBe(worlds.length);
    for (const w of worlds) expect(await onInvoices(w)).toEqual(expected.get(w.subId));
    expect(await getCreditBalance(overage.orgId)).toMatchObject({ overage: 0 });
    expect(await rollOverSubscriptions(at)).toBe(0);
  });

  it("one period the database refuses holds back none of the others, and closes on the next run, once", async () => {
    const worlds = [await subscribed("local"), await subscribed("local"), await subscribed("local")];
    for (const [n, w] of worlds.entries()) await usage(w, String(20 + n * 10), later(-2 * HOUR));
    const refused = worlds[1]!;
    const expected = await alone(worlds);
    await db.execute(
      sql.raw(`create function refuse_invoice() returns trigger language plpgsql as $$
        begin
          if new.org_id = '${refused.orgId}' then raise exception 'invoice refused for the test'; end if;
          return new;
        end $$`),
    );
    await db.execute(
      sql.raw("create trigger refuse_invoice before insert on invoices for each row execute function refuse_invoice()"),
    );
    const at = closeAt(worlds);
    try {
      await expect(rollOverSubscriptions(at)).rejects.toThrow(`2 closed, 1 failed (${refused.subId})`);
    } finally {
      await db.execute(sql.raw("drop trigger refuse_invoice on invoices"));
      await db.execute(sql.raw("drop function refuse_invoice()"));
    }
    for (const w of worlds.filter((x) => x !== refused)) expect(await onInvoices(w)).toEqual(expected.get(w.subId));
    // Still due, and nothing of its close half-written: only the invoice of the period it subscribed for.
    const [still] = await db.select().from(subscriptions).where(eq(subscriptions.id, refused.subId));
    expect(still!.currentPeriodStart).toEqual(refused.period.start);
    expect(await db.select().from(invoices).where(eq(invoices.orgId, refused.orgId))).toHaveLength(1);

    expect(await rollOverSubscriptions(at)).toBe(1);
    for (const w of worlds) expect(await onInvoices(w)).toEqual(expected.get(w.subId));
    expect(await rollOverSubscriptions(at)).toBe(0);
  });
});

describe.each(["local", "stripe"] as const)("the upcoming invoice on the %s rail", (rail) => {
  it("shows the plan fee, usage and call costs so far and projected, and its lines are the lines the period's invoice carries", async () => {
    const w = await subscribed(rail);
    const key = await customerKey(w.orgId);
    const get = async () => {
      const r = await call<UpcomingInvoiceJson>(upcomingRoute.GET, "GET", "/api/v1/billing/upcoming-invoice", { key });
      expect(r.status).toBe(200);
      return r.json;
    };
    const empty = await get();
    expect(empty).toMatchObject({
      plan_fee: { amount_cents: 2900, plan_id: starter.id },
      lines: [],
      total_so_far_cents: 2900,
      invoice_date: w.period.end.toISOString(),
      period_start: w.period.start.toISOString(),
    });

    await usage(w, "25.5", later(-2 * HOUR));
    const agent = await createAgent(w.orgId, { name: "bot", description: "", planId: voice.id }, "test");
    const c = await startCall(w.orgId, { agentId: agent.agent.id, startedAt: later(-2 * HOUR) });
    await finalizeCallCost(w.orgId, c.id, {
      usageMetrics: { [minutes.code]: "5.5" },
      sendUsage: true,
      endedAt: later(-2 * HOUR),
    });
    const u = await get();
    // Usage arrived: 15.5 billable × 0.035 → 54; the call's usage 0.275 → 28; the agent plan's fee 1000.
    expect(u.lines.map((l) => [l.kind, l.amount_cents])).toEqual([
      ["usage", 54],
      ["call_usage", 28],
      ["agent_fixed", 1000],
    ]);
    expect(u).toMatchObject({
      usage_cents: 54,
      call_costs_cents: 1028,
      total_so_far_cents: 2900 + 54 + 1028,
      credits_applied: [],
    });
    // Projected: the quantity at the current pace to the period end, then rated (the 10 included minutes come off once).
    const pace = dec(w.period.end.getTime() - w.period.start.getTime()).div(
      new Date(u.as_of).getTime() - w.period.start.getTime(),
    );
    const minutesAtEnd = dec("25.5").mul(pace).toDecimalPlaces(6);
    expect(u.projected_lines[0]!.amount_cents).toBe(roundToMinor(minutesAtEnd.minus(10).mul("0.035"), "usd"));
    expect(u.projected_lines[2]!.amount_cents).toBe(1000);
    expect(u.projected_total_cents).toBeGreaterThan(u.total_so_far_cents);

    await renew(w);
    const strip = (id: string) => id.slice(id.indexOf(":", id.indexOf("Z:")) + 1);
    expect(await billed(w)).toEqual(Object.fromEntries(u.lines.map((l) => [strip(l.id), l.amount_cents])));
  });
});

describe("usage on Stripe's invoices when events go wrong", () => {
  it("a replayed and shuffled webhook stream (×3) adds each line once", async () => {
    const w = await subscribed("stripe");
    await usage(w, "110", later(-2 * HOUR));
    const draft = await renew(w, ({ invoice, subscription }) => {
      const created = stripe.event("invoice.created", invoice);
      const updated = stripe.event("customer.subscription.updated", subscription);
      const stream = [
        created,
        updated,
        created,
        stripe.event("invoice.created", invoice),
        updated,
        stripe.event("customer.subscription.updated", subscription),
        stripe.event("invoice.created", invoice),
        created,
        updated,
      ];
      return stream.sort(() => Math.random() - 0.5);
    });
    expect(itemsOn(draft!)).toEqual([350]);
    await drain(later(3 * HOUR));
    expect(await billed(w)).toEqual({ [`usage:${starter.id}:${minutes.code}`]: 350 });
  });

  it("a draft finalized before the job ran: the usage goes on a separate invoice, charged, once", async () => {
    const w = await subscribed("stripe");
    await usage(w, "20", later(-2 * HOUR));
    const r = stripe.renewSubscription(w.stripeSubId!);
    await deliver(stripe.event("invoice.created", r.invoice));
    stripe.finalizeInvoice(r.invoice.id);
    await deliver(stripe.event("customer.subscription.updated", r.subscription));
    await drain(later(3 * HOUR));
    expect(itemsOn(r.invoice.id)).toEqual([]);
    const [row] = await db.select().from(periodBillings).where(eq(periodBillings.subscriptionId, w.subId));
    expect(row).toMatchObject({ status: "billed", target: "separate", totalCents: 35 });
    expect(stripe.objects.get(row!.stripeInvoiceId!)).toMatchObject({
      status: "paid",
      total: 35,
      customer: stripe.objects.get(w.stripeSubId!)!.customer,
    });
    expect(await billed(w)).toEqual({ [`usage:${starter.id}:${minutes.code}`]: 35 });
  });

  it("invoice.created never comes: the delayed check bills the period on a separate invoice", async () => {
    const w = await subscribed("stripe");
    await usage(w, "20", later(-2 * HOUR));
    const r = stripe.renewSubscription(w.stripeSubId!);
    await deliver(stripe.event("customer.subscription.updated", r.subscription));
    await drain();
    expect(
      stripe.invoiceItems().filter((i) => (i.metadata as Record<string, string>).tally_subscription_id === w.subId),
    ).toEqual([]);
    await drain(later(3 * HOUR));
    expect(await billed(w)).toEqual({ [`usage:${starter.id}:${minutes.code}`]: 35 });
    const [row] = await db.select().from(periodBillings).where(eq(periodBillings.subscriptionId, w.subId));
    expect(row!.target).toBe("separate");
    // The renewal's finalized invoice arriving late changes nothing.
    await deliver(stripe.event("invoice.finalized", stripe.finalizeInvoice(r.invoice.id)));
    await drain(later(4 * HOUR));
    expect(await billed(w)).toEqual({ [`usage:${starter.id}:${minutes.code}`]: 35 });
  });

  it("Stripe failing with 5xx, then recovering: the outbox adds each item once", async () => {
    const w = await subscribed("stripe");
    await usage(w, "110", later(-2 * HOUR));
    const a = await createAgent(w.orgId, { name: "bot", description: "", planId: voice.id }, "test");
    const c = await startCall(w.orgId, { agentId: a.agent.id, startedAt: later(-2 * HOUR) });
    await finalizeCallCost(w.orgId, c.id, {
      usageMetrics: { [minutes.code]: "5.5" },
      sendUsage: true,
      endedAt: later(-2 * HOUR),
    });
    stripe.failNext(/^POST \/v1\/invoiceitems$/, 500, 1);
    const r = stripe.renewSubscription(w.stripeSubId!);
    await deliver(stripe.event("invoice.created", r.invoice));
    await runDueJobs(later(1000)); // the first item fails
    stripe.failNext(/^POST \/v1\/invoiceitems$/, 503, 1);
    await runDueJobs(later(60_000)); // the retry adds one and fails on the next
    const [pending] = await db
      .select()
      .from(periodBillings)
      .where(and(eq(periodBillings.subscriptionId, w.subId)));
    expect(pending!.status).toBe("pending");
    await drain(later(10 * 60_000));
    expect(itemsOn(r.invoice.id).sort((x, y) => x - y)).toEqual([28, 350, 1000]);
    expect(stripe.objects.get(r.invoice.id)!.total).toBe(2900 + 28 + 350 + 1000);
    // Each write carried a key naming the line and the invoice.
    const keys = stripe.requests
      .filter((q) => q.path === "/v1/invoiceitems" && q.body.invoice === r.invoice.id)
      .map((q) => q.idempotencyKey);
    expect(keys).toHaveLength(5); // three lines, two failed attempts
    for (const k of keys) expect(k).toMatch(new RegExp(`^tally-line:${w.subId}:.+:${r.invoice.id}$`));
  });
});

describe("reconciliation of Stripe periods", () => {
  it("finds a paid period matching, and lists an item missing at Stripe and an invoice unpaid past due, counted in /api/metrics", async () => {
    const good = await subscribed("stripe");
    await usage(good, "20", later(-2 * HOUR));
    const goodDraft = await renew(good);
    stripe.finalizeInvoice(goodDraft!);

    const bad = await subscribed("stripe");
    await usage(bad, "110", later(-2 * HOUR));
    await createAgent(bad.orgId, { name: "bot", description: "", planId: voice.id }, "test");
    const badDraft = await renew(bad);
    // Someone deletes Tally's agent-plan item at Stripe, and the invoice is not paid.
    const inv = stripe.objects.get(badDraft!)!;
    const lines = (inv.lines as { data: { metadata?: Record<string, string> }[] }).data;
    stripe.put({
      ...inv,
      lines: { object: "list", data: lines.filter((l) => !l.metadata?.tally_line_id?.includes("agent_fixed")) },
    });
    stripe.finalizeInvoice(badDraft!, false);

    const at = later(10 * 86_400_000);
    expect(await reconcileStripePeriods(at)).toBeGreaterThanOrEqual(2);
    const [g] = await db.select().from(periodBillings).where(eq(periodBillings.subscriptionId, good.subId));
    expect(g).toMatchObject({
      differences: [],
      stripeInvoicedCents: 35,
      stripeCollectedCents: 35,
      stripeStatus: "paid",
    });
    const [b] = await db.select().from(periodBillings).where(eq(periodBillings.subscriptionId, bad.subId));
    expect(b!.differences.map((d) => d.kind).sort()).toEqual(["missing_item", "unpaid_past_due"]);
    expect(b).toMatchObject({ stripeInvoicedCents: 350, stripeCollectedCents: 0, stripeStatus: "open" });

    const res = await metricsRoute.GET(
      new Request("http://tally.test/api/metrics", { headers: { authorization: `Bearer ${await platformKey()}` } }),
    );
    const text = await res.text();
    expect(text).toMatch(/tally_billing_reconciliation_differences\{kind="missing_item"\} [1-9]/);
    expect(text).toMatch(/tally_billing_reconciliation_differences\{kind="unpaid_past_due"\} [1-9]/);
  });
});

describe.each(["local", "stripe"] as const)("usage received late on the %s rail", (rail) => {
  /** Ends the current period again: Tally's rollover at the `n`th period's end, or Stripe's next renewal. */
  const renewAgain = async (w: World, n: number) =>
    rail === "local"
      ? rollOverSubscriptions(new Date(periodBounds(w.period.start, "month", n).end.getTime() + 1000))
      : renew(w);

  it("bills usage of a period that arrives after the period was billed on the next period's invoice, once, described as late", async () => {
    const w = await subscribed(rail);
    await usage(w, "25.5", later(-3 * HOUR));
    await renew(w);
    const onTime = { [`usage:${starter.id}:${minutes.code}`]: 54 };
    expect(await billed(w)).toEqual(onTime);

    // 10 more minutes of that period arrive after its lines were billed: 35.5 minutes, 25.5 billable
    // × 0.035 = 0.8925 → 89 cents in all, of which 54 were billed: 35 cents late.
    await usage(w, "10", later(-2 * HOUR));
    const late = `late_usage:${w.period.start.toISOString()}:${starter.id}:${minutes.code}`;
    // The upcoming invoice shows it already, as the line the next invoice will carry.
    const { upcomingInvoice } = await import("@/lib/payments/upcoming-invoice");
    const up = await upcomingInvoice(w.orgId);
    expect(up.lines.map((l) => [l.kind, l.amount_cents])).toEqual([["late_usage", 35]]);
    const draft = await renewAgain(w, 1);
    expect(await billed(w)).toEqual({ ...onTime, [late]: 35 });

    const label = `${formatDate(w.period.start)} – ${formatDate(w.period.end)}`;
    if (rail === "local") {
      const [line] = await db
        .select()
        .from(invoiceLines)
        .where(sql`${invoiceLines.details}->>'line_kind' = 'late_usage' and ${invoiceLines.orgId} = ${w.orgId}`);
      expect(line!.description).toMatch(new RegExp(`: 10 minutes — usage of ${label} received late$`));
      expect(line!.description).toContain(`usage of ${label} received late`);
      // The late line says which period's usage it is.
      expect([line!.periodStart, line!.periodEnd]).toEqual([w.period.start, w.period.end]);
    } else {
      const item = stripe.invoiceItems(draft as string).find((i) => String(i.description).includes("received late"))!;
      expect(item).toMatchObject({ amount: 35, period: { start: sec(w.period.start), end: sec(w.period.end) } });
      expect(String(item.description)).toContain(`10 minutes — usage of ${label} received late`);
    }

    // The period after bills nothing of it again.
    await renewAgain(w, 2);
    expect(await billed(w)).toEqual({ ...onTime, [late]: 35 });
  });

  it("bills usage that arrives two periods late on the bill it arrives for, once", async () => {
    const w = await subscribed(rail);
    await usage(w, "25.5", later(-3 * HOUR));
    await renew(w);
    await renewAgain(w, 1);
    const onTime = { [`usage:${starter.id}:${minutes.code}`]: 54 };
    expect(await billed(w)).toEqual(onTime);

    // The first period's 10 more minutes arrive while the third period runs: billed when it closes.
    await usage(w, "10", later(-2 * HOUR));
    const late = `late_usage:${w.period.start.toISOString()}:${starter.id}:${minutes.code}`;
    await renewAgain(w, 2);
    expect(await billed(w)).toEqual({ ...onTime, [late]: 35 });
    await renewAgain(w, 3);
    expect(await billed(w)).toEqual({ ...onTime, [late]: 35 });
  });

  it("a billed line that shrinks is not credited, and grows again billed only past what was billed", async () => {
    const w = await subscribed(rail);
    await db.update(meters).set({ allowNegative: true }).where(eq(meters.code, minutes.code));
    invalidateMeters();
    try {
      await usage(w, "25.5", later(-3 * HOUR));
      await renew(w);
      // 5 minutes taken back after the period was billed: 20.5 minutes, 10.5 billable → 37 cents < 54 billed.
      await usage(w, "-5", later(-2 * HOUR));
      await renewAgain(w, 1);
      expect(await billed(w)).toEqual({ [`usage:${starter.id}:${minutes.code}`]: 54 });
      // 10 more: 30.5 minutes, 20.5 billable × 0.035 = 0.7175 → 72 cents; 54 billed, so 18 late.
      await usage(w, "10", later(-90 * 60_000));
      await renewAgain(w, 2);
      expect(await billed(w)).toEqual({
        [`usage:${starter.id}:${minutes.code}`]: 54,
        [`late_usage:${w.period.start.toISOString()}:${starter.id}:${minutes.code}`]: 18,
      });
    } finally {
      await db.update(meters).set({ allowNegative: false }).where(eq(meters.code, minutes.code));
      invalidateMeters();
    }
  });
  it("usage retracted after its period was billed is credited on the next bill as a negative line; the issued bill is unchanged", async () => {
    const w = await subscribed(rail);
    await usage(w, "25.5", later(-3 * HOUR));
    const wrongAt = later(-2 * HOUR);
    await usage(w, "10", wrongAt);
    const draft = await renew(w);
    // 35.5 minutes, 25.5 billable × 0.035 = 0.8925 → 89 cents.
    const own = `usage:${starter.id}:${minutes.code}`;
    expect(await billed(w)).toEqual({ [own]: 89 });
    const issued =
      rail === "local"
        ? await db
            .select({ id: invoiceLines.id, cents: invoiceLines.amountCents, description: invoiceLines.description })
            .from(invoiceLines)
            .where(eq(invoiceLines.orgId, w.orgId))
            .orderBy(invoiceLines.id)
        : itemsOn(draft as string);

    // The 10 minutes were wrong: retracted. 25.5 minutes, 15.5 billable → 54 cents: 35 credited.
    const c = await retractUsage(
      { type: "admin", userId: "usr_test", orgId: null },
      w.orgId,
      {
        reason: "double-counted session",
        from: new Date(wrongAt.getTime() - 60_000).toISOString(),
        to: new Date(wrongAt.getTime() + 60_000).toISOString(),
      },
      `k-${uid()}`,
    );
    expect(c.body).toMatchObject({ status: "completed", events_retracted: 1, events_in_billed_periods: 1 });
    const late = `late_usage:${w.period.start.toISOString()}:${starter.id}:${minutes.code}`;
    const { upcomingInvoice } = await import("@/lib/payments/upcoming-invoice");
    expect((await upcomingInvoice(w.orgId)).lines.map((l) => [l.kind, l.amount_cents])).toEqual([["late_usage", -35]]);
    await renewAgain(w, 1);
    expect(await billed(w)).toEqual({ [own]: 89, [late]: -35 });
    const label = `${formatDate(w.period.start)} – ${formatDate(w.period.end)}`;
    if (rail === "local") {
      const [line] = await db
        .select()
        .from(invoiceLines)
        .where(sql`${invoiceLines.details}->>'line_kind' = 'late_usage' and ${invoiceLines.orgId} = ${w.orgId}`);
      expect(line!.description).toContain(`-10 minutes — usage of ${label} retracted (usage correction)`);
      // The bill issued before the correction is as it was.
      const first = await db
        .select({ id: invoiceLines.id, cents: invoiceLines.amountCents, description: invoiceLines.description })
        .from(invoiceLines)
        .where(
          and(
            eq(invoiceLines.orgId, w.orgId),
            inArray(
              invoiceLines.id,
              (issued as { id: string }[]).map((l) => l.id),
            ),
          ),
        )
        .orderBy(invoiceLines.id);
      expect(first).toEqual(issued);
    } else {
      expect(itemsOn(draft as string)).toEqual(issued);
    }
    // Credited once: the period after carries nothing more of it.
    await renewAgain(w, 2);
    expect(await billed(w)).toEqual({ [own]: 89, [late]: -35 });
  });
});

describe("a Stripe renewal whose every webhook was lost", () => {
  it("the sweep re-reads the subscription from Stripe, finds the renewed period and bills the ended one once", async () => {
    const w = await subscribed("stripe");
    await usage(w, "20", later(-2 * HOUR));
    // Stripe renews; not one event reaches Tally.
    const r = stripe.renewSubscription(w.stripeSubId!);
    stripe.finalizeInvoice(r.invoice.id);
    await drain(later(3 * HOUR));
    expect(await billed(w)).toEqual({});

    // Within the draft's grace, the sweep leaves the subscription alone; past it, it re-reads it.
    const { sweepStripePeriods } = await import("@/lib/payments/stripe-period-sweep");
    const reads = () =>
      stripe.requests.filter((q) => q.method === "GET" && q.path === `/v1/subscriptions/${w.stripeSubId}`).length;
    const before = reads();
    await sweepStripePeriods(new Date(w.period.end.getTime() + HOUR));
    expect(reads()).toBe(before);
    const at = new Date(w.period.end.getTime() + 3 * HOUR);
    expect(await sweepStripePeriods(at)).toBeGreaterThanOrEqual(1);
    expect(reads()).toBe(before + 1);
    const [sub] = await db.select().from(subscriptions).where(eq(subscriptions.id, w.subId));
    expect(sub!.currentPeriodStart).toEqual(w.period.end);
    await drain(new Date(at.getTime() + 1000));

    // 20 minutes, 10 included: 10 × 0.035 on a separate Stripe invoice, charged.
    expect(await billed(w)).toEqual({ [`usage:${starter.id}:${minutes.code}`]: 35 });
    const [row] = await db.select().from(periodBillings).where(eq(periodBillings.subscriptionId, w.subId));
    expect(row).toMatchObject({ status: "billed", target: "separate", periodStart: w.period.start });
    expect(stripe.objects.get(row!.stripeInvoiceId!)).toMatchObject({ status: "paid", total: 35 });

    // Once: the sweep again, and the lost events arriving after all, add nothing.
    await sweepStripePeriods(new Date(at.getTime() + 6 * HOUR));
    await deliver(stripe.event("invoice.created", r.invoice));
    await deliver(stripe.event("customer.subscription.updated", r.subscription));
    await drain(new Date(at.getTime() + 10 * HOUR));
    expect(await billed(w)).toEqual({ [`usage:${starter.id}:${minutes.code}`]: 35 });
  });
});

describe("a Stripe subscription renewed several times unheard", () => {
  it("the sweep bills each period Stripe renewed, in order, each once", async () => {
    const w = await subscribed("stripe");
    await usage(w, "20", later(-2 * HOUR));
    // Stripe renews three times; not one event reaches Tally. Each renewal invoice names the period that ended.
    const periods: { start: Date; end: Date }[] = [w.period];
    for (const [n, minutesUsed] of ["30", "40"].entries()) {
      const r = stripe.renewSubscription(w.stripeSubId!);
      stripe.finalizeInvoice(r.invoice.id);
      const item = (r.subscription.items as { data: { current_period_start: number; current_period_end: number }[] })
        .data[0]!;
      const next = { start: new Date(item.current_period_start * 1000), end: new Date(item.current_period_end * 1000) };
      expect(next.start).toEqual(periods[n]!.end);
      periods.push(next);
      await usage(w, minutesUsed, new Date(next.start.getTime() + 24 * HOUR));
    }
    stripe.finalizeInvoice(stripe.renewSubscription(w.stripeSubId!).invoice.id);

    const { sweepStripePeriods } = await import("@/lib/payments/stripe-period-sweep");
    const at = new Date(w.period.end.getTime() + 3 * HOUR);
    expect(await sweepStripePeriods(at)).toBe(3);
    const [sub] = await db.select().from(subscriptions).where(eq(subscriptions.id, w.subId));
    expect(sub!.currentPeriodStart).toEqual(periods[2]!.end);
    await drain(new Date(at.getTime() + 1000));

    // 20, 30 and 40 minutes, 10 included each period: 10, 20 and 30 × 0.035, each on its own line, keyed by its period.
    const items = () =>
      stripe
        .list("invoiceitem", (i) => (i.metadata as Record<string, string>).tally_subscription_id === w.subId)
        .map((i) => [(i.metadata as Record<string, string>).tally_line_id!, Number(i.amount)] as const)
        .sort((a, b) => a[1] - b[1]);
    const expected = periods.map((p, n) => [
      `${w.subId}:${p.start.toISOString()}:usage:${starter.id}:${minutes.code}`,
      [35, 70, 105][n],
    ]);
    expect(items()).toEqual(expected);
    const rows = await db
      .select()
      .from(periodBillings)
      .where(eq(periodBillings.subscriptionId, w.subId))
      .orderBy(periodBillings.periodStart);
    expect(rows.map((r) => [r.periodStart, r.periodEnd, r.status, r.totalCents])).toEqual(
      periods.map((p, n) => [p.start, p.end, "billed", [35, 70, 105][n]]),
    );

    // Once: the sweep again adds nothing.
    await sweepStripePeriods(new Date(at.getTime() + 6 * HOUR));
    await drain(new Date(at.getTime() + 10 * HOUR));
    expect(items()).toEqual(expected);
  });

  it("a stretch no renewal invoice names is billed as a period of its own", async () => {
    const { endedPeriods } = await import("@/lib/payments/stripe-period-sweep");
    const d = (day: number) => new Date(Date.UTC(2026, 0, day));
    expect(endedPeriods({ start: d(1), end: d(10) }, [{ start: d(20), end: d(30) }], d(40))).toEqual([
      { start: d(1), end: d(10) },
      { start: d(10), end: d(20) },
      { start: d(20), end: d(30) },
      { start: d(30), end: d(40) },
    ]);
  });
});

describe.each(["local", "stripe"] as const)("a customer's custom price on the %s rail", (rail) => {
  const override = async (orgId: string, body: Record<string, unknown>) => {
    const r = await call<{ id: string }>(overridesRoute.POST, "POST", `/api/v1/customers/${orgId}/overrides`, {
      key: await platformKey(),
      params: { id: orgId },
      body: { kind: "charge_price", target: minutes.code, reason: "negotiated rate", ...body },
    });
    expect(r.status, JSON.stringify(r.json)).toBe(201);
    return r.json.id;
  };

  it("the upcoming invoice and the period's invoice (Stripe's invoice items) use it; revoked, the plan's price is back", async () => {
    const w = await subscribed(rail);
    // Starter: 10 minutes included, then 0.035; this customer: 2 included, then graduated 0.01 / 0.005 past 20.
    const id = await override(w.orgId, {
      value: {
        model: "graduated",
        included_quantity: "2",
        tiers: [
          { up_to: 20, unit_price: "0.01" },
          { up_to: null, unit_price: "0.005" },
        ],
      },
    });
    // An override that ended before the period's end changes nothing: the plan's own price would be 54 cents.
    await override(w.orgId, {
      value: { model: "per_unit", unit_price: "9" },
      starts_at: w.period.start.toISOString(),
      ends_at: later(-HOUR).toISOString(),
    });
    await usage(w, "25.5", later(-2 * HOUR));
    const up = await call<UpcomingInvoiceJson>(upcomingRoute.GET, "GET", "/api/v1/billing/upcoming-invoice", {
      key: await customerKey(w.orgId),
    });
    // 23.5 billable: 20 × 0.01 + 3.5 × 0.005 = 0.2175 → 22 cents (the plan's price would be 54).
    expect(up.json.lines.map((l) => [l.kind, l.amount_cents, l.amount_exact])).toEqual([["usage", 22, "0.2175"]]);
    expect(up.json.lines[0]!.description).toContain("(custom price)");
    await renew(w);
    expect(await billed(w)).toEqual({ [`usage:${starter.id}:${minutes.code}`]: 22 });

    // Revoked (now, before that period's end): rated again, the period comes to the plan's price — a
    // period that ends after a revoke is billed without the override; what was billed stays billed.
    const del = await call(overrideOne.DELETE, "DELETE", `/api/v1/customers/${w.orgId}/overrides/${id}`, {
      key: await platformKey(),
      params: { id: w.orgId, overrideId: id },
    });
    expect(del.status).toBe(200);
    const [sub] = await db.select().from(subscriptions).where(eq(subscriptions.id, w.subId));
    const again = await periodLinesFor(db, sub!, w.period);
    expect(again.map((l) => l.amountCents)).toEqual([54]);
  });
});
