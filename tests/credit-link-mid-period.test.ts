// A meter linked to a credit event (or unlinked) in the middle of a billing period: each event of
// the period is either drawn from credits (ingested while a link was active) or billed in arrears
// at the period's close — never both, never neither. The upcoming invoice shows the lines the close
// writes.
import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as upcomingRoute from "@/app/api/v1/billing/upcoming-invoice/route";
import { insertCreditEvent } from "@/lib/catalog/seed-catalog";
import { drawDown } from "@/lib/credits/drawdown";
import { archiveLink, createLink } from "@/lib/credits/drawdown-links";
import { grantCredits } from "@/lib/credits/grant-credits";
import { db, rows } from "@/lib/db/client";
import { invoiceLines, invoices } from "@/lib/db/schema";
import { ingestEvents } from "@/lib/metering/ingest-events";
import { addSandboxCard } from "@/lib/payments/payment-methods";
import type { UpcomingInvoiceJson } from "@/lib/payments/schemas";
import { rollOverSubscriptions } from "@/lib/subscriptions/rollover";
import { subscribe } from "@/lib/subscriptions/subscribe";
import { periodBounds } from "@/lib/time";
import { call, customerKey, makeOrg, uid } from "./support/fixtures";
import { makeMeter, makePlan } from "./support/metering";

const HOUR = 3_600_000;
/** Tests draw what is stored at once (the margin guards transactions still starting; see drawdown.ts). */
const now0 = { marginMs: 0 };
const tick = () => new Promise((r) => setTimeout(r, 3));

/** A customer on a plan billing 0.10 per call of a count meter (nothing included), in a period that began ten days ago, with 1,000 credits. */
async function world() {
  const meter = await makeMeter({ aggregation: "count", unit: "call" });
  const plan = await makePlan({
    charges: [{ type: "usage", meter: meter.code, model: "per_unit", unit_price: "0.10" }],
  });
  const event = await insertCreditEvent({ code: `ce_${uid()}`, name: "Calls", credits: 2 });
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
  /** `n` calls, stamped an hour ago (inside the period), ingested now. */
  const send = async (n: number, properties: Record<string, string> = {}) => {
    const r = await ingestEvents(
      org.id,
      Array.from({ length: n }, () => ({
        eventId: `c-${uid()}`,
        eventName: meter.eventName,
        timestamp: new Date(Date.now() - HOUR),
        properties,
      })),
    );
    expect(r.outcomes.every((o) => o.status === "accepted")).toBe(true);
  };
  // PGlite's clock has millisecond steps: events ingested in the link's millisecond would be
  // neither after it nor before it for the test's counts (the link draws events ingested after it).
  const link = async (filters?: Record<string, string[]>) => {
    const l = await createLink({ meter: meter.code, creditEvent: event.code, filters });
    await tick();
    return l;
  };
  /** Credits drawn for the meter: what the ledger spent and the events the drawdowns name. */
  const drawn = async () => {
    await drawDown(org.id, new Date(), now0);
    const [r] = await rows<{ credits: string; events: string }>(
      sql`select coalesce(sum(credits), 0)::text as credits, coalesce(sum(event_count), 0)::text as events
            from credit_drawdowns where org_id = ${org.id} and meter_id = ${meter.id}`,
    );
    const [l] = await rows<{ spent: string }>(
      sql`select coalesce(-sum(amount), 0)::text as spent from credit_ledger where org_id = ${org.id} and kind = 'consume'`,
    );
    return { events: Number(r!.events), credits: Number(r!.credits), ledger: Number(l!.spent) };
  };
  /** Closes the period; the usage lines on its invoice, as quantity and cents per meter. */
  const close = async () => {
    await rollOverSubscriptions(new Date(period.end.getTime() + 1000));
    const list = await db
      .select({ line: invoiceLines })
      .from(invoiceLines)
      .innerJoin(invoices, eq(invoices.id, invoiceLines.invoiceId))
      .where(and(eq(invoices.subscriptionId, sub.id)));
    return list
      .filter(({ line }) => String(line.details?.line_id ?? "").includes(":usage:"))
      .map(({ line }) => ({
        id: String(line.details!.line_id),
        cents: line.amountCents,
        description: line.description,
      }));
  };
  const upcoming = async () => {
    const r = await call<UpcomingInvoiceJson>(upcomingRoute.GET, "GET", "/api/v1/billing/upcoming-invoice", {
      key: await customerKey(org.id),
    });
    expect(r.status).toBe(200);
    return r.json;
  };
  return { org, meter, plan, send, link, drawn, close, upcoming };
}

describe("a meter linked to credits in the middle of a billing period", () => {
  it("linked mid-period: the invoice bills exactly the events before the link, the ledger draws exactly those after", async () => {
    const w = await world();
    await w.send(3);
    await w.link();
    await w.send(5);
    // A new link draws nothing ingested before it, however far behind the customer's cursor is.
    expect(await w.drawn()).toEqual({ events: 5, credits: 10, ledger: 10 });
    const lines = await w.close();
    expect(lines).toHaveLength(1);
    // 3 calls × 0.10.
    expect(lines[0]).toMatchObject({ cents: 30 });
    expect(lines[0]!.description).toContain("5 calls more drawn from credits");
    // Nothing more is drawn after the close.
    expect(await w.drawn()).toEqual({ events: 5, credits: 10, ledger: 10 });
  });

  it("unlinked mid-period: the ledger draws the events before the archive, the invoice bills those after", async () => {
    const w = await world();
    const l = await w.link();
    await w.send(4);
    await archiveLink(l.id);
    await tick();
    await w.send(7);
    expect(await w.drawn()).toEqual({ events: 4, credits: 8, ledger: 8 });
    const lines = await w.close();
    expect(lines.map((x) => x.cents)).toEqual([70]);
  });

  it("a link made and archived within the period: the events between are drawn, those before and after billed", async () => {
    const w = await world();
    await w.send(2);
    const l = await w.link();
    await w.send(6);
    await w.drawn();
    await archiveLink(l.id);
    await tick();
    await w.send(3);
    expect(await w.drawn()).toEqual({ events: 6, credits: 12, ledger: 12 });
    // 2 + 3 calls × 0.10.
    expect((await w.close()).map((x) => x.cents)).toEqual([50]);
  });

  it("a link with filters of its own: the events it draws are not billed, the meter's other events are", async () => {
    const w = await world();
    await w.link({ model: ["small"] });
    await w.send(4, { model: "small" });
    await w.send(3, { model: "large" });
    expect(await w.drawn()).toEqual({ events: 4, credits: 8, ledger: 8 });
    expect((await w.close()).map((x) => x.cents)).toEqual([30]);
  });

  it("never linked in the period: every event billed, nothing drawn", async () => {
    const w = await world();
    await w.send(4);
    expect(await w.drawn()).toEqual({ events: 0, credits: 0, ledger: 0 });
    expect((await w.close()).map((x) => x.cents)).toEqual([40]);
  });

  it("the upcoming invoice shows the lines the close writes, with the usage before the link only", async () => {
    const w = await world();
    await w.send(6);
    await w.link();
    await w.send(9);
    await w.drawn();
    const u = await w.upcoming();
    const usage = u.lines.filter((l) => l.kind === "usage");
    expect(usage.map((l) => l.amount_cents)).toEqual([60]);
    expect(usage[0]!.description).toContain("9 calls more drawn from credits");
    const closed = await w.close();
    expect(closed.map((l) => [l.id, l.cents])).toEqual(usage.map((l) => [l.id, l.amount_cents]));
  });
});
