// Threshold invoicing (issue 18, item 6): a plan invoices mid-period when the period's unbilled
// usage reaches its threshold, charges that invoice at once, and the period-end invoice bills only
// the rest — every cent of usage billed exactly once, also when two runners race.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as thresholdRoute from "@/app/api/v1/plans/[id]/billing-threshold/route";
import { db } from "@/lib/db/client";
import { invoiceLines, invoices, thresholdBillings } from "@/lib/db/schema";
import { ingestEvents } from "@/lib/metering/ingest-events";
import { invalidateMeters } from "@/lib/metering/meters";
import { addSandboxCard } from "@/lib/payments/payment-methods";
import { invoiceIfOverThreshold, runThresholdInvoicing } from "@/lib/payments/threshold-invoicing";
import { rollOverSubscriptions } from "@/lib/subscriptions/rollover";
import { subscribe } from "@/lib/subscriptions/subscribe";
import { periodBounds } from "@/lib/time";
import { call, makeMeter, makeOrg, makePlan, platformKey, uid } from "./support/fixtures";

const HOUR = 3_600_000;

/** A sandbox subscriber whose period began ten days ago, on a plan at $1.00 a minute invoicing every $5.00. */
async function subscriber() {
  const meter = await makeMeter({ aggregation: "sum", property: "minutes", unit: "minute" });
  invalidateMeters();
  const plan = await makePlan({
    basePriceCents: 0,
    charges: [{ type: "usage", meter: meter.code, model: "per_unit", unit_price: "1" }],
  });
  const res = await call(thresholdRoute.PUT, "PUT", `/api/v1/plans/${plan.id}/billing-threshold`, {
    key: await platformKey(),
    params: { id: plan.id },
    body: { amount_cents: 500 },
  });
  expect(res.status).toBe(200);
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
  const use = async (minutes: number) => {
    const r = await ingestEvents(org.id, [
      {
        eventId: `u-${uid()}`,
        eventName: meter.eventName,
        timestamp: new Date(Date.now() - HOUR),
        properties: { minutes },
      },
    ]);
    expect(r.outcomes[0]!.status).toBe("accepted");
  };
  return { org, sub, period, use };
}

/** Every usage invoice line of the subscription, as [invoice status, amount]. */
async function usageBilled(subId: string) {
  const rows = await db
    .select({ line: invoiceLines, status: invoices.status, number: invoices.number })
    .from(invoiceLines)
    .innerJoin(invoices, eq(invoices.id, invoiceLines.invoiceId))
    .where(eq(invoices.subscriptionId, subId));
  return rows.filter((r) => r.line.kind === "usage").map((r) => ({ status: r.status, cents: r.line.amountCents }));
}

describe("threshold invoicing", () => {
  it("invoices and charges at the threshold, and the period-end invoice bills only the rest", async () => {
    const { sub, period, use } = await subscriber();
    await use(3);
    expect(await invoiceIfOverThreshold(sub.id)).toBeNull(); // $3.00 < $5.00
    await use(3);
    expect(await invoiceIfOverThreshold(sub.id)).toMatchObject({ billedCents: 600, seq: 1 });
    expect(await invoiceIfOverThreshold(sub.id)).toBeNull(); // nothing unbilled
    expect(await usageBilled(sub.id)).toEqual([{ status: "paid", cents: 600 }]);

    await use(2); // $2.00 more: under the threshold, left for the period end
    expect(await runThresholdInvoicing()).toBe(0);
    await rollOverSubscriptions(new Date(period.end.getTime() + 1000));
    const lines = await usageBilled(sub.id);
    expect(lines.map((l) => l.cents).sort((a, b) => a - b)).toEqual([200, 600]);
    expect(lines.reduce((s, l) => s + l.cents, 0)).toBe(800);
  });

  it("bills the crossing once when two runners race", async () => {
    const { sub, use } = await subscriber();
    await use(7);
    const runs = await Promise.all([
      invoiceIfOverThreshold(sub.id),
      invoiceIfOverThreshold(sub.id),
      runThresholdInvoicing(),
    ]);
    expect(runs.filter((r) => r !== null && r !== 0)).toHaveLength(1);
    const rows = await db.select().from(thresholdBillings).where(eq(thresholdBillings.subscriptionId, sub.id));
    expect(rows.map((r) => r.amountCents)).toEqual([700]);
    expect(await usageBilled(sub.id)).toEqual([{ status: "paid", cents: 700 }]);
  });

  it("invoices again each time the threshold is reached anew", async () => {
    const { sub, period, use } = await subscriber();
    await use(5);
    await runThresholdInvoicing();
    await use(6);
    await runThresholdInvoicing();
    await rollOverSubscriptions(new Date(period.end.getTime() + 1000));
    const rows = await db.select().from(thresholdBillings).where(eq(thresholdBillings.subscriptionId, sub.id));
    expect(rows.map((r) => [r.seq, r.amountCents])).toEqual([
      [1, 500],
      [2, 600],
    ]);
    // Everything was billed at the thresholds: the period-end invoice has no usage left to bill.
    expect((await usageBilled(sub.id)).map((l) => l.cents).sort((a, b) => a - b)).toEqual([500, 600]);
  });
});
