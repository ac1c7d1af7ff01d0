// Usage of a meter priced in credits is either drawn from credits or billed in arrears — never
// both, never neither — in three cases the link window alone got wrong:
// (a) the link's credit event made inactive (and active again): the drawdown spends nothing for the
//     events meanwhile, so the invoice bills them; only the events the drawdown actually drew (its
//     credit_drawdowns rows) or will draw (after the customer's cursor, on a priced link) are netted;
// (b) usage an agent's finalized call recorded: priced by the call (its cost lines, billed through
//     the call), so the drawdown never spends credits on it and the invoice never nets it twice;
// (c) negative corrections: a meter that accepts negative values cannot be priced in credits, and a
//     meter priced in credits cannot start accepting them (a 400 naming the field), so a correction
//     never leaves credits spent on usage the invoice no longer counts.
import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as agentsRoute from "@/app/api/v1/agents/route";
import * as assignRoute from "@/app/api/v1/agents/[agent_id]/assign-plan/route";
import * as upcomingRoute from "@/app/api/v1/billing/upcoming-invoice/route";
import * as callsRoute from "@/app/api/v1/calls/route";
import * as eventsRoute from "@/app/api/v1/events/route";
import * as finalizeRoute from "@/app/api/v1/calls/[call_id]/finalize-cost/route";
import * as linksRoute from "@/app/api/v1/credit-meter-links/route";
import * as meterRoute from "@/app/api/v1/meters/[id]/route";
import { updateCreditEvent } from "@/lib/catalog/credit-events";
import { insertCreditEvent } from "@/lib/catalog/seed-catalog";
import { loadCreditsPage } from "@/lib/credits/credits-page";
import { drawDown } from "@/lib/credits/drawdown";
import { createLink } from "@/lib/credits/drawdown-links";
import { grantCredits } from "@/lib/credits/grant-credits";
import { db, rows } from "@/lib/db/client";
import { invoiceLines, invoices } from "@/lib/db/schema";
import { ingestEvents } from "@/lib/metering/ingest-events";
import { addSandboxCard } from "@/lib/payments/payment-methods";
import type { UpcomingInvoiceJson } from "@/lib/payments/schemas";
import { rollOverSubscriptions } from "@/lib/subscriptions/rollover";
import { subscribe } from "@/lib/subscriptions/subscribe";
import { periodBounds } from "@/lib/time";
import { call, customerKey, makeOrg, platformKey, uid } from "./support/fixtures";
import { makeMeter, makePlan } from "./support/metering";

const HOUR = 3_600_000;
/** Tests draw what is stored at once (the margin guards transactions still starting; see drawdown.ts). */
const now0 = { marginMs: 0 };
/** PGlite's clock has millisecond steps: after a link changes, the next events get a later instant. */
const tick = () => new Promise((r) => setTimeout(r, 3));

/**
 * A customer on a plan billing 0.10 per unit of a meter (count, or sum of `minutes`), in a period
 * that began ten days ago, with 1,000 purchased credits; a credit event of 2 credits per unit.
 */
async function world(aggregation: "count" | "sum" = "count", opts: { byModel?: boolean } = {}) {
  const meter = await makeMeter(
    aggregation === "sum"
      ? { aggregation, property: "minutes", unit: "minute" }
      : { aggregation, unit: "call", groupBy: opts.byModel ? ["model"] : [] },
  );
  const plan = await makePlan({
    charges: [
      opts.byModel
        ? {
            type: "usage",
            meter: meter.code,
            model: "group",
            group_by: "model",
            prices: { small: "0.10", large: "0.20" },
          }
        : { type: "usage", meter: meter.code, model: "per_unit", unit_price: "0.10" },
    ],
  });
  const event = await insertCreditEvent({ code: `ce_${uid()}`, name: "Usage", credits: 2 });
  const org = await makeOrg();
  await db.transaction((tx) => addSandboxCard(tx, org.id, { number: "4242424242424242" }));
  const period = periodBounds(new Date(Math.floor((Date.now() - 10 * 24 * HOUR) / 1000) * 1000), "month", 0);
  const sub = await subscribe(org.id, {
    plan: { id: plan.id },
    actor: "test",
    now: period.start,
    skipTrial: true,
    provider: "local",
  });
  await grantCredits(org.id, {
    amount: 1000,
    source: "purchased",
    expiresAt: null,
    reason: "test",
    idempotencyKey: `g_${uid()}`,
    actor: "test",
  });
  /** `n` events (1 minute each on a sum meter), stamped an hour ago (inside the period), ingested now. */
  const send = async (n: number, extra: Record<string, string> = {}) => {
    const r = await ingestEvents(
      org.id,
      Array.from({ length: n }, () => ({
        eventId: `e-${uid()}`,
        eventName: meter.eventName,
        timestamp: new Date(Date.now() - HOUR),
        properties: aggregation === "sum" ? { minutes: "1", ...extra } : extra,
      })),
    );
    expect(r.outcomes.every((o) => o.status === "accepted")).toBe(true);
  };
  const link = async (filters?: Record<string, string[]>) => {
    const l = await createLink({ meter: meter.code, creditEvent: event.code, filters });
    await tick();
    return l;
  };
  const setActive = async (active: boolean) => {
    await updateCreditEvent(event.code, { active });
    await tick();
  };
  /** Draws down now; the credits the ledger spent on usage so far. */
  const drawn = async () => {
    await drawDown(org.id, new Date(), now0);
    const [l] = await rows<{ spent: string }>(
      sql`select coalesce(-sum(amount), 0)::text as spent from credit_ledger where org_id = ${org.id} and kind = 'consume'`,
    );
    return Number(l!.spent);
  };
  /** The usage lines of the subscription's plan (not the calls') on the upcoming invoice: cents and description. */
  const upcoming = async () => {
    const r = await call<UpcomingInvoiceJson>(upcomingRoute.GET, "GET", "/api/v1/billing/upcoming-invoice", {
      key: await customerKey(org.id),
    });
    expect(r.status).toBe(200);
    return r.json.lines.filter((l) => l.kind === "usage").map((l) => ({ cents: l.amount_cents, text: l.description }));
  };
  /** Closes the period; its invoice's usage lines (the plan's, not the calls'): cents and description. */
  const close = async () => {
    await rollOverSubscriptions(new Date(period.end.getTime() + 1000));
    const list = await db
      .select({ line: invoiceLines })
      .from(invoiceLines)
      .innerJoin(invoices, eq(invoices.id, invoiceLines.invoiceId))
      .where(and(eq(invoices.subscriptionId, sub.id)));
    return list
      .filter(({ line }) => String(line.details?.line_id ?? "").includes(":usage:"))
      .map(({ line }) => ({ cents: line.amountCents, text: line.description }));
  };
  /** What the credits page shows of the meter: its drawdown total (credits, events) and the usage pending. */
  const creditsPage = async () => {
    const p = await loadCreditsPage(org.id, {});
    const t = p.drawdown.totals.find((x) => x.meter === meter.code);
    return { credits: t?.credits ?? 0, events: t?.events ?? 0, pending: p.balance.pending_usage_credits ?? 0 };
  };
  return { org, meter, plan, event, send, link, setActive, drawn, upcoming, close, creditsPage };
}

describe("(a) a link whose credit event is made inactive", () => {
  it("bills the events the drawdown did not draw while the credit event was inactive, and nets those it drew", async () => {
    const w = await world();
    await w.link();
    await w.send(4);
    expect(await w.drawn()).toBe(8);
    await w.setActive(false);
    await w.send(3);
    // Nothing is spent for them…
    expect(await w.drawn()).toBe(8);
    // …so the invoice bills them: 3 × 0.10, and only the 4 drawn are netted.
    const upcoming = await w.upcoming();
    expect(upcoming.map((l) => l.cents)).toEqual([30]);
    expect(upcoming[0]!.text).toContain("4 calls more drawn from credits");
    // The credits page agrees: 4 calls drawn, nothing pending.
    expect(await w.creditsPage()).toEqual({ credits: 8, events: 4, pending: 0 });
    const closed = await w.close();
    expect(closed).toEqual(upcoming);
  });

  it("events stored before the deactivation but not drawn yet are billed, not lost; drawn again once it is active", async () => {
    const w = await world();
    await w.link();
    await w.send(4);
    expect(await w.drawn()).toBe(8);
    // Stored, not yet drawn (the cursor is behind them) when the credit event goes inactive.
    await w.send(2);
    await w.setActive(false);
    expect(await w.drawn()).toBe(8);
    await w.send(3);
    // The sweep runs every second: it finds nothing priced to draw and moves the cursor past them.
    expect(await w.drawn()).toBe(8);
    await w.setActive(true);
    await w.send(1);
    expect(await w.drawn()).toBe(10);
    // 2 + 3 calls × 0.10 billed; 4 + 1 drawn — the split the credits page's drawdown shows too.
    const upcoming = await w.upcoming();
    expect(upcoming.map((l) => l.cents)).toEqual([50]);
    expect(upcoming[0]!.text).toContain("5 calls more drawn from credits");
    expect(await w.creditsPage()).toEqual({ credits: 10, events: 5, pending: 0 });
    expect(await w.close()).toEqual(upcoming);
  });

  it("usage stored but not yet drawn on an active link is not billed (the drawdown will spend it)", async () => {
    const w = await world();
    await w.link();
    await w.send(4);
    // The upcoming invoice before any drawdown ran: the 4 calls are the balance's pending usage, not billed.
    expect(await w.upcoming()).toEqual([]);
    expect(await w.creditsPage()).toEqual({ credits: 0, events: 0, pending: 8 });
    expect(await w.drawn()).toBe(8);
    expect(await w.creditsPage()).toEqual({ credits: 8, events: 4, pending: 0 });
    expect(await w.close()).toEqual([]);
  });
});

describe("the drawn share the invoice nets", () => {
  it("refuses a second link that could match the same events (it would spend twice); disjoint links draw each event once", async () => {
    const w = await world();
    await w.send(4, { model: "small" }); // before the links: billed
    await w.link();
    // A link for every model and one for the small model would both draw a small event.
    await expect(w.link({ model: ["small"] })).rejects.toMatchObject({
      message: expect.stringMatching(/matches some of the same events/),
      details: [expect.objectContaining({ field: "filters" })],
    });
    await w.send(2, { model: "small" });
    await w.send(1, { model: "large" });
    expect(await w.drawn()).toBe(6); // 3 events × 2 credits, once each
    const upcoming = await w.upcoming();
    expect(upcoming.map((l) => l.cents)).toEqual([40]);
    expect(upcoming[0]!.text).toContain("3 calls more drawn from credits");
    expect(await w.close()).toEqual(upcoming);
  });

  it("takes links on values with nothing in common, each drawing its own events", async () => {
    const w = await world();
    await w.link({ model: ["small"] });
    await w.link({ model: ["large"] });
    await w.send(2, { model: "small" });
    await w.send(1, { model: "large" });
    await w.send(1, { model: "medium" }); // neither link's: billed
    expect(await w.drawn()).toBe(6);
    const upcoming = await w.upcoming();
    expect(upcoming.map((l) => l.cents)).toEqual([10]);
    expect(await w.close()).toEqual(upcoming);
  });
});

describe("the drawn share of a charge priced per group value", () => {
  it("nets the drawn events from their own group value only", async () => {
    const w = await world("count", { byModel: true });
    await w.send(2, { model: "small" }); // before the link: billed at 0.10
    await w.link({ model: ["small"] });
    await w.send(3, { model: "small" }); // drawn
    await w.send(1, { model: "large" }); // not the link's: billed at 0.20
    expect(await w.drawn()).toBe(6);
    const upcoming = await w.upcoming();
    // 2 small × 0.10 + 1 large × 0.20 (not 5 small: the 3 drawn are netted from the small group only).
    expect(upcoming.map((l) => l.cents)).toEqual([40]);
    expect(upcoming[0]!.text).toContain("3 calls more drawn from credits");
    expect(await w.close()).toEqual(upcoming);
  });
});

describe("(b) usage recorded by an agent's finalized call on a meter priced in credits", () => {
  it("is billed through the call at the call's price and never drawn; the meter's other usage is drawn or billed once", async () => {
    const w = await world("sum");
    const key = await platformKey();
    // The agent's plan prices the same meter in money: 0.05 a minute.
    const agentPlan = await makePlan({
      charges: [{ type: "usage", meter: w.meter.code, model: "per_unit", unit_price: "0.05" }],
    });
    const agent = (
      await call<{ id: string }>(agentsRoute.POST, "POST", "/api/v1/agents", {
        key,
        body: { customer_id: w.org.id, name: "Support line" },
      })
    ).json;
    const assigned = await call(assignRoute.POST, "POST", `/api/v1/agents/${agent.id}/assign-plan`, {
      key,
      params: { agent_id: agent.id },
      body: { plan_id: agentPlan.id },
    });
    expect(assigned.status).toBeLessThan(300);
    await w.send(6); // before the link: billed in arrears
    await w.link();
    await w.send(4); // drawn: 8 credits
    const started = await call<{ id: string }>(callsRoute.POST, "POST", "/api/v1/calls", {
      key,
      body: { agent_id: agent.id },
    });
    const fin = await call<{ cost_cents: number; usage_recorded: boolean }>(
      finalizeRoute.POST,
      "POST",
      `/api/v1/calls/${started.json.id}/finalize-cost`,
      {
        key,
        params: { call_id: started.json.id },
        body: { usage_metrics: { [w.meter.code]: "10" }, send_usage: true },
      },
    );
    expect(fin.json).toMatchObject({ cost_cents: 50, usage_recorded: true });
    // The call's 10 minutes spend no credits (they are the call's 0.50)…
    expect(await w.drawn()).toBe(8);
    // …and the plan bills the 6 minutes before the link, no less: 20 − 10 (the call's) − 4 (drawn).
    const upcoming = await w.upcoming();
    expect(upcoming.map((l) => l.cents)).toEqual([60]);
    expect(upcoming[0]!.text).toContain("4 minutes more drawn from credits");
    expect(await w.creditsPage()).toEqual({ credits: 8, events: 4, pending: 0 });
    expect(await w.close()).toEqual(upcoming);
  });

  it('refuses a sent event claiming to be a call\'s usage (source "call"), naming source: it would dodge the credits', async () => {
    const w = await world("sum");
    await w.link();
    const r = await call<{ error: { details: { field: string }[] } }>(eventsRoute.POST, "POST", "/api/v1/events", {
      key: await customerKey(w.org.id),
      body: { event_id: `ev-${uid()}`, event_name: w.meter.eventName, source: "call", properties: { minutes: "5" } },
    });
    expect(r.status).toBe(400);
    expect(r.json.error.details).toEqual([expect.objectContaining({ field: "source" })]);
    expect(await w.drawn()).toBe(0);
  });
});

describe("(c) negative corrections and meters priced in credits", () => {
  it("refuses to price in credits a sum meter that accepts negative values (400 naming meter)", async () => {
    const w = await world("sum");
    const key = await platformKey();
    const patched = await call(meterRoute.PATCH, "PATCH", `/api/v1/meters/${w.meter.code}`, {
      key,
      params: { id: w.meter.code },
      body: { allow_negative: true },
    });
    expect(patched.status).toBe(200);
    const r = await call<{ error: { details: { field: string; message: string }[] } }>(
      linksRoute.POST,
      "POST",
      "/api/v1/credit-meter-links",
      { key, body: { meter: w.meter.code, credit_event: w.event.code } },
    );
    expect(r.status).toBe(400);
    expect(r.json.error.details).toEqual([{ field: "meter", message: expect.stringMatching(/negative/) }]);
  });

  it("refuses negative values on a meter priced in credits (400 naming allow_negative), so no correction strands credits", async () => {
    const w = await world("sum");
    const key = await platformKey();
    await w.link();
    const r = await call<{ error: { details: { field: string; message: string }[] } }>(
      meterRoute.PATCH,
      "PATCH",
      `/api/v1/meters/${w.meter.code}`,
      { key, params: { id: w.meter.code }, body: { allow_negative: true } },
    );
    expect(r.status).toBe(400);
    expect(r.json.error.details).toEqual([{ field: "allow_negative", message: expect.stringMatching(/credits/) }]);
    // So a correction is refused at ingest, naming the property, and the credits stay what the usage cost.
    const sent = await ingestEvents(w.org.id, [
      { eventId: `neg-${uid()}`, eventName: w.meter.eventName, timestamp: new Date(), properties: { minutes: "-1" } },
    ]);
    expect(sent.outcomes[0]).toMatchObject({ status: "rejected", error: { field: "properties.minutes" } });
  });
});
