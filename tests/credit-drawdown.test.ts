// Meters priced in credits: stored usage events of a linked meter spend credits once each,
// whatever arrives twice and however many drawdowns run at once; reads count usage not yet drawn.
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { updatePlan } from "@/lib/catalog/plans";
import { insertCreditEvent } from "@/lib/catalog/seed-catalog";
import { consumeCredits } from "@/lib/credits/consume-credits";
import { drawDown, drawDownGroup, runDrawdown } from "@/lib/credits/drawdown";
import { createLink, drawdownLinks } from "@/lib/credits/drawdown-links";
import { exactBalance } from "@/lib/credits/drawdown-read";
import { expireDueCredits } from "@/lib/credits/expire-credits";
import { grantCredits } from "@/lib/credits/grant-credits";
import { checkCreditInvariants } from "@/lib/credits/invariants";
import { updateCreditSettings } from "@/lib/credits/settings";
import { rows } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { ingestEvents } from "@/lib/metering/ingest-events";
import * as credits from "@/app/api/v1/credits/route";
import * as links from "@/app/api/v1/credit-meter-links/route";
import * as link from "@/app/api/v1/credit-meter-links/[id]/route";
import * as entitlements from "@/app/api/v1/entitlements/[feature]/route";
import { call, makeOrg, platformKey, uid } from "./support/fixtures";
import { makeMeter, makePlan, subscribeTo } from "./support/metering";

const onPostgres = process.env.TEST_DB === "postgres";
/** Tests draw what is stored at once (the margin guards transactions still starting; see drawdown.ts). */
const now0 = { marginMs: 0 };

async function pricedMeter(
  creditsPerUnit: number,
  v: { aggregation?: "count" | "sum"; filters?: Record<string, string[]> } = {},
) {
  const meter = await makeMeter({
    aggregation: v.aggregation ?? "sum",
    property: v.aggregation === "count" ? undefined : "tokens",
  });
  const event = await insertCreditEvent({ code: `ce_${uid()}`, name: "Tokens", credits: creditsPerUnit });
  await createLink({ meter: meter.code, creditEvent: event.code, filters: v.filters });
  return { meter, event };
}

async function grant(
  orgId: string,
  amount: number,
  source: "purchased" | "promotional" = "purchased",
  expiresAt: Date | null = null,
) {
  await grantCredits(orgId, { amount, source, expiresAt, reason: "test", idempotencyKey: `g_${uid()}`, actor: "test" });
}

const ledger = (orgId: string) =>
  rows<{
    kind: string;
    amount: string;
    reference: string | null;
    credit_event: string | null;
    idempotency_key: string | null;
  }>(
    sql`select kind, amount::text, reference, credit_event, idempotency_key from credit_ledger where org_id = ${orgId} and kind in ('consume', 'overage') order by seq`,
  );

describe("credit drawdown", () => {
  it("spends ceil(quantity × credits) per event of the linked meter and filter, names the meter and the events, and reads count what is not drawn yet", async () => {
    const org = await makeOrg();
    const { meter, event } = await pricedMeter(3, { filters: { model: ["gpt-4"] } });
    await grant(org.id, 100);
    await ingestEvents(org.id, [
      { eventId: "e1", eventName: meter.eventName, properties: { tokens: "0.5", model: "gpt-4" } }, // 1.5 → 2
      { eventId: "e2", eventName: meter.eventName, properties: { tokens: 2, model: "gpt-4" } }, // 6
      { eventId: "e3", eventName: meter.eventName, properties: { tokens: 10, model: "gpt-3.5" } }, // not linked
    ]);
    expect(await exactBalance(org.id)).toMatchObject({ ledgerBalance: 100, pending: 8, balance: 92 });

    const r = await drawDown(org.id, new Date(), now0);
    expect(r.drawn).toMatchObject([
      { meter: meter.code, creditEvent: event.code, events: 2, quantity: "2.5", credits: 8 },
    ]);
    expect(r.balance).toBe(92);
    expect(await exactBalance(org.id)).toMatchObject({ ledgerBalance: 92, pending: 0, balance: 92 });
    const [row] = await ledger(org.id);
    expect(row).toMatchObject({ kind: "consume", amount: "-8", credit_event: event.code });
    expect(row!.reference).toBe(`meter:${meter.code} e1…e2 (2 events)`);

    // Nothing new: nothing spent.
    expect((await drawDown(org.id, new Date(), now0)).drawn).toEqual([]);
    expect(await ledger(org.id)).toHaveLength(1);
    expect(await checkCreditInvariants({ orgIds: [org.id] })).toEqual([]);
  });

  it(
    "spends each event once under duplicates, retried batches and drawdowns running at once",
    { timeout: 120_000 },
    async () => {
      const org = await makeOrg();
      const { meter } = await pricedMeter(2, { aggregation: "count" });
      await grant(org.id, 10_000);
      const BATCHES = onPostgres ? 12 : 4;
      const batch = (b: number) =>
        Array.from({ length: 25 }, (_, i) => ({ eventId: `b${b}_${i}`, eventName: meter.eventName, properties: {} }));
      const drawdowns: Promise<unknown>[] = [];
      await Promise.all(
        Array.from({ length: BATCHES }, async (_, b) => {
          // Each batch sent three times (a retry, and a duplicate delivery at once), drawdowns between.
          await Promise.all([ingestEvents(org.id, batch(b)), ingestEvents(org.id, batch(b))]);
          drawdowns.push(drawDown(org.id, new Date(), now0), drawDown(org.id, new Date(), now0));
          await ingestEvents(org.id, batch(b));
        }),
      );
      await Promise.all(drawdowns);
      await drawDown(org.id, new Date(), now0);
      const spent = await rows<{ total: string; keys: string; dup: string }>(
        sql`select coalesce(-sum(amount), 0)::text as total, count(distinct idempotency_key)::text as keys,
                 (select count(*) from (select idempotency_key from credit_ledger where org_id = ${org.id} and kind = 'consume'
                   group by idempotency_key having count(distinct operation_id) > 1) d)::text as dup
            from credit_ledger where org_id = ${org.id} and kind = 'consume'`,
      );
      expect(spent[0]).toMatchObject({ total: String(BATCHES * 25 * 2), dup: "0" });
      const covered = await rows<{ n: string }>(
        sql`select sum(event_count)::text as n from credit_drawdowns where org_id = ${org.id}`,
      );
      expect(covered[0]!.n).toBe(String(BATCHES * 25));
      expect(await exactBalance(org.id)).toMatchObject({ pending: 0, balance: 10_000 - BATCHES * 50 });
      expect(await checkCreditInvariants({ orgIds: [org.id] })).toEqual([]);
    },
  );

  it("stops at zero without overage (the rest recorded as short) and bills the rest as overage with it", async () => {
    const stop = await makeOrg();
    const over = await makeOrg();
    const { meter } = await pricedMeter(1);
    await updateCreditSettings(over.id, { allowOverage: true, overagePricePerCredit: "0.01" });
    for (const o of [stop, over]) {
      await grant(o.id, 5);
      await ingestEvents(o.id, [{ eventId: "x", eventName: meter.eventName, properties: { tokens: 8 } }]);
    }
    const s = await drawDown(stop.id, new Date(), now0);
    expect(s.drawn[0]).toMatchObject({ credits: 8, overage: 0, short: 3 });
    expect(s.balance).toBe(0);
    const o = await drawDown(over.id, new Date(), now0);
    expect(o.drawn[0]).toMatchObject({ credits: 8, overage: 3, short: 0 });
    expect(o.balance).toBe(-3);
    expect((await ledger(over.id)).map((r) => [r.kind, r.amount])).toEqual([
      ["consume", "-5"],
      ["overage", "-3"],
    ]);
    // A consume after the stop is refused; the depleted alert is raised once for the drop.
    await expect(consumeCredits(stop.id, { credits: 1, idempotencyKey: uid(), actor: "test" })).rejects.toMatchObject({
      code: "insufficient_credits",
    });
    const alerts = await rows<{ kind: string }>(
      sql`select kind from alerts where org_id = ${stop.id} and kind = 'credits_depleted'`,
    );
    expect(alerts).toHaveLength(1);
    expect(await checkCreditInvariants({ orgIds: [stop.id, over.id] })).toEqual([]);
  });

  it("raises the depleted alert again on the next drop after credits were added", async () => {
    const org = await makeOrg();
    const { meter } = await pricedMeter(1);
    await grant(org.id, 2);
    await ingestEvents(org.id, [{ eventId: "a", eventName: meter.eventName, properties: { tokens: 2 } }]);
    await drawDown(org.id, new Date(), now0);
    await drawDown(org.id, new Date(), now0);
    await grant(org.id, 1);
    await ingestEvents(org.id, [{ eventId: "b", eventName: meter.eventName, properties: { tokens: 1 } }]);
    await drawDown(org.id, new Date(), now0);
    const alerts = await rows<{ period_key: string }>(
      sql`select period_key from alerts where org_id = ${org.id} and kind = 'credits_depleted' order by created_at`,
    );
    expect(alerts).toHaveLength(2);
  });

  it("raises the depleted alert from consume too, once per crossing, grouped or alone", async () => {
    const org = await makeOrg();
    const depleted = () =>
      rows<{ period_key: string }>(
        sql`select period_key from alerts where org_id = ${org.id} and kind = 'credits_depleted' order by created_at`,
      );
    const spend = (credits: number, alone = false) =>
      consumeCredits(org.id, {
        credits,
        idempotencyKey: uid(),
        actor: "test",
        ...(alone ? { now: new Date() } : {}),
      });
    await grant(org.id, 3);
    await spend(2);
    expect(await depleted()).toHaveLength(0);
    // The last credits go in two racing spends of one: one of them crosses zero, the other is refused.
    const raced = await Promise.allSettled([spend(1), spend(1)]);
    expect(raced.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await depleted()).toHaveLength(1);
    // Credits added, and spent again (in a transaction of its own this time): a second crossing.
    await grant(org.id, 2);
    await spend(2, true);
    expect(await depleted()).toHaveLength(2);
    // A reservation that holds the last credits is a crossing too; its release and a new hold are another.
    await grant(org.id, 1);
    const { reserveCredits } = await import("@/lib/credits/reservations");
    await reserveCredits(org.id, { credits: 1, ttlSeconds: 60, idempotencyKey: uid(), actor: "test" });
    expect(await depleted()).toHaveLength(3);
  });

  it("lets a plan's stop-or-overage override the organization's, in consume, drawdown and entitlements", async () => {
    const { meter } = await pricedMeter(1);
    const key = await platformKey();
    const stopPlan = await makePlan();
    const overPlan = await makePlan();
    await updatePlan(stopPlan.id, { allow_overage: false });
    await updatePlan(overPlan.id, { allow_overage: true });
    // `lenient` allows overage itself but is on a plan that stops; `strict` stops itself but its plan continues.
    const lenient = await makeOrg();
    const strict = await makeOrg();
    await updateCreditSettings(lenient.id, { allowOverage: true, overagePricePerCredit: "0.01" });
    await updateCreditSettings(strict.id, { overagePricePerCredit: "0.01" });
    await subscribeTo(lenient.id, stopPlan.id);
    await subscribeTo(strict.id, overPlan.id);
    const check = async (orgId: string) =>
      (
        await call<Record<string, unknown>>(
          entitlements.GET,
          "GET",
          `/api/v1/entitlements/${meter.code}?customer_id=${orgId}&quantity=8`,
          { key, params: { feature: meter.code } },
        )
      ).json;
    for (const o of [lenient, strict]) await grant(o.id, 5);

    expect(await check(lenient.id)).toMatchObject({ allowed: false, credits: { on_empty: "stop" } });
    expect(await check(strict.id)).toMatchObject({ allowed: true, credits: { on_empty: "overage" } });
    await expect(
      consumeCredits(lenient.id, { credits: 8, idempotencyKey: uid(), actor: "test" }),
    ).rejects.toMatchObject({ code: "insufficient_credits" });
    const spent = await consumeCredits(strict.id, { credits: 8, idempotencyKey: uid(), actor: "test" });
    expect(spent.body).toMatchObject({ overage_credits: 3, balance_after: -3 });

    await grant(strict.id, 3); // repays the overage: balance 0
    await grant(strict.id, 2);
    for (const o of [lenient, strict])
      await ingestEvents(o.id, [{ eventId: "x", eventName: meter.eventName, properties: { tokens: 8 } }]);
    expect((await drawDown(lenient.id, new Date(), now0)).drawn[0]).toMatchObject({ overage: 0, short: 3 });
    expect((await drawDown(strict.id, new Date(), now0)).drawn[0]).toMatchObject({ overage: 6, short: 0 });

    // The plan says nothing again: the organization's own setting decides.
    await updatePlan(stopPlan.id, { allow_overage: null });
    expect(await check(lenient.id)).toMatchObject({ allowed: true, credits: { on_empty: "overage" } });
    expect(await checkCreditInvariants({ orgIds: [lenient.id, strict.id] })).toEqual([]);
  });

  it(
    "keeps the ledger's invariants with drawdowns beside consumes, grants and expiries",
    { timeout: 180_000 },
    async () => {
      const orgs = await Promise.all([makeOrg(), makeOrg()]);
      const { meter } = await pricedMeter(1, { aggregation: "count" });
      await updateCreditSettings(orgs[0]!.id, { allowOverage: true, overagePricePerCredit: "0.01" });
      const WORKERS = onPostgres ? 12 : 3;
      const ROUNDS = onPostgres ? 4 : 2;
      for (let round = 0; round < ROUNDS; round++) {
        await Promise.all(
          Array.from({ length: WORKERS }, async (_, w) => {
            const org = orgs[w % 2]!;
            const ops = [
              () =>
                grant(
                  org.id,
                  20,
                  w % 3 === 0 ? "promotional" : "purchased",
                  new Date(Date.now() + (w % 2 ? 50 : 3_600_000)),
                ),
              () => consumeCredits(org.id, { credits: 3, idempotencyKey: uid(), actor: "test" }),
              () =>
                ingestEvents(
                  org.id,
                  Array.from({ length: 5 }, (_, i) => ({
                    eventId: `${round}_${w}_${i}`,
                    eventName: meter.eventName,
                    properties: {},
                  })),
                ),
              () => drawDown(org.id, new Date(), now0),
              () => expireDueCredits(new Date(Date.now() + 100)),
            ];
            for (const op of ops)
              await op().catch((e: unknown) => {
                if (!(e instanceof AppError && e.code === "insufficient_credits")) throw e;
              });
          }),
        );
        expect(await checkCreditInvariants({ orgIds: orgs.map((o) => o.id) })).toEqual([]);
      }
      for (const o of orgs) await drawDown(o.id, new Date(), now0);
      const drawn = await rows<{ n: string }>(
        sql`select coalesce(sum(event_count), 0)::text as n from credit_drawdowns where org_id in (${orgs[0]!.id}, ${orgs[1]!.id})`,
      );
      expect(drawn[0]!.n).toBe(String(WORKERS * ROUNDS * 5));
      expect(await checkCreditInvariants({ orgIds: orgs.map((o) => o.id) })).toEqual([]);
    },
  );

  it("is configured over the API, and the balance and entitlements over the API count usage not yet drawn", async () => {
    const key = await platformKey();
    const org = await makeOrg();
    const meter = await makeMeter({ aggregation: "count" });
    const event = await insertCreditEvent({ code: `ce_${uid()}`, name: "Call", credits: 4 });
    const plan = await makePlan();
    await subscribeTo(org.id, plan.id);
    const bad = await call(links.POST, "POST", "/api/v1/credit-meter-links", {
      key,
      body: { meter: meter.code, credit_event: "nope" },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json)).toContain("credit_event");
    const made = await call<{ id: string; meter: string }>(links.POST, "POST", "/api/v1/credit-meter-links", {
      key,
      body: { meter: meter.code, credit_event: event.code },
    });
    expect(made.status).toBe(201);
    expect(made.json.meter).toBe(meter.code);
    expect(
      (
        await call(links.POST, "POST", "/api/v1/credit-meter-links", {
          key,
          body: { meter: meter.code, credit_event: event.code },
        })
      ).status,
    ).toBe(400);

    await grant(org.id, 10);
    await ingestEvents(org.id, [
      { eventId: "1", eventName: meter.eventName },
      { eventId: "2", eventName: meter.eventName },
    ]);
    const balance = async () =>
      (await call<Record<string, unknown>>(credits.GET, "GET", `/api/v1/credits?customer_id=${org.id}`, { key })).json;
    expect(await balance()).toMatchObject({ balance: 2, ledger_balance: 10, pending_usage_credits: 8 });
    const check = async (q = "") =>
      (
        await call<Record<string, unknown>>(
          entitlements.GET,
          "GET",
          `/api/v1/entitlements/${meter.code}?customer_id=${org.id}${q}`,
          { key, params: { feature: meter.code } },
        )
      ).json;
    expect(await check()).toMatchObject({
      allowed: false,
      reason: "insufficient_credits",
      credits: { balance: 2, required: 4, on_empty: "stop" },
    });
    await drawDown(org.id, new Date(), now0);
    expect(await balance()).toMatchObject({ balance: 2, ledger_balance: 2, pending_usage_credits: 0 });
    await updateCreditSettings(org.id, { allowOverage: true, overagePricePerCredit: "0.01" });
    expect(await check()).toMatchObject({ allowed: true, credits: { on_empty: "overage" } });

    // Archived: later events spend nothing.
    expect(
      (
        await call(link.DELETE, "DELETE", `/api/v1/credit-meter-links/${made.json.id}`, {
          key,
          params: { id: made.json.id },
        })
      ).status,
    ).toBe(200);
    await ingestEvents(org.id, [{ eventId: "3", eventName: meter.eventName }]);
    expect(await balance()).toMatchObject({ balance: 2, pending_usage_credits: 0 });
    expect((await check()).credits).toBeUndefined();
  });

  it("sweeps every customer with usage not yet drawn, and nobody else", async () => {
    const [a, b, idle] = await Promise.all([makeOrg(), makeOrg(), makeOrg()]);
    const { meter } = await pricedMeter(1, { aggregation: "count" });
    for (const o of [a, b, idle]) await grant(o.id, 10);
    await ingestEvents(a.id, [{ eventId: "1", eventName: meter.eventName }]);
    await ingestEvents(b.id, [
      { eventId: "1", eventName: meter.eventName },
      { eventId: "2", eventName: meter.eventName },
    ]);
    const swept = await runDrawdown(undefined, new Date(), now0);
    const mine = swept.filter((r) => [a.id, b.id, idle.id].includes(r.orgId));
    expect(mine.map((r) => [r.orgId, r.drawn[0]?.credits]).sort()).toEqual(
      [
        [a.id, 1],
        [b.id, 2],
      ].sort(),
    );
    expect((await runDrawdown(undefined, new Date(), now0)).filter((r) => [a.id, b.id].includes(r.orgId))).toEqual([]);
    expect((await exactBalance(b.id)).balance).toBe(8);
  });

  it("draws a pass over many customers in one transaction, each once, and one customer's failure holds up no one else", async () => {
    const orgs = await Promise.all(Array.from({ length: 8 }, () => makeOrg()));
    const ids = orgs.map((o) => o.id);
    const { meter } = await pricedMeter(2, { aggregation: "count" });
    for (const o of orgs) await grant(o.id, 100);
    const send = (orgId: string, prefix: string, n: number) =>
      ingestEvents(
        orgId,
        Array.from({ length: n }, (_, k) => ({ eventId: `${prefix}${k}`, eventName: meter.eventName })),
      );
    for (const [i, o] of orgs.entries()) await send(o.id, "a", i + 1);

    // One transaction for all eight: each drawn for its own events.
    const group = await drawDownGroup(ids, await drawdownLinks(), 0, new Date());
    for (const [i, o] of orgs.entries())
      expect(group.get(o.id)).toMatchObject({
        drawn: [{ meter: meter.code, events: i + 1, credits: 2 * (i + 1) }],
        balance: 100 - 2 * (i + 1),
      });
    // The next pass finds nothing more to draw.
    expect((await runDrawdown(ids, new Date(), now0)).flatMap((r) => r.drawn)).toEqual([]);
    for (const [i, o] of orgs.entries()) {
      expect(await ledger(o.id)).toHaveLength(1);
      expect(await exactBalance(o.id)).toMatchObject({ pending: 0, balance: 100 - 2 * (i + 1) });
    }
    expect(await checkCreditInvariants({ orgIds: ids })).toEqual([]);

    // One customer's account is broken (its balance no longer what its credits add up to): the
    // group refuses to write anything, and the pass draws every other customer on its own.
    for (const o of orgs) await send(o.id, "b", 1);
    const broken = ids[3]!;
    await rows(sql`update credit_balances set balance = balance + 5 where org_id = ${broken}`);
    await expect(drawDownGroup(ids, await drawdownLinks(), 0, new Date())).rejects.toThrow(/identity/);
    const pass = await runDrawdown(ids, new Date(), now0);
    const others = ids.filter((id) => id !== broken);
    expect(pass.map((r) => r.orgId).sort()).toEqual([...others].sort());
    for (const r of pass) expect(r.drawn).toMatchObject([{ events: 1, credits: 2 }]);
    for (const id of others) expect(await ledger(id)).toHaveLength(2);
    expect(await ledger(broken)).toHaveLength(1);
    expect(await checkCreditInvariants({ orgIds: others })).toEqual([]);
  });

  it("retries a customer whose drawdown failed at every sweep, though later sweeps look only at newer events", async () => {
    const org = await makeOrg();
    const { meter } = await pricedMeter(3, { aggregation: "count" });
    await grant(org.id, 30);
    await ingestEvents(org.id, [{ eventId: "1", eventName: meter.eventName }]);
    // The account is broken (its balance no longer what its credits add up to): the drawdown fails.
    await rows(sql`update credit_balances set balance = balance + 5 where org_id = ${org.id}`);
    expect((await runDrawdown(undefined, new Date(), now0)).filter((r) => r.orgId === org.id)).toEqual([]);
    // Another customer's new events: the sweep after this one looks only at events ingested since.
    const other = await makeOrg();
    await grant(other.id, 30);
    await ingestEvents(other.id, [{ eventId: "1", eventName: meter.eventName }]);
    await rows(sql`update credit_balances set balance = balance - 5 where org_id = ${org.id}`);
    const next = await runDrawdown(undefined, new Date(), now0);
    expect(
      next
        .filter((r) => [org.id, other.id].includes(r.orgId))
        .map((r) => [r.orgId, r.drawn[0]?.credits])
        .sort(),
    ).toEqual(
      [
        [org.id, 3],
        [other.id, 3],
      ].sort(),
    );
    expect(await exactBalance(org.id)).toMatchObject({ ledgerBalance: 27, pending: 0 });
    // Drawn once: the next sweep has nothing for either.
    expect(
      (await runDrawdown(undefined, new Date(), now0)).filter((r) => [org.id, other.id].includes(r.orgId)),
    ).toEqual([]);
    expect(await checkCreditInvariants({ orgIds: [org.id, other.id] })).toEqual([]);
  });

  it("draws an event ingested exactly at the cursor (a horizon held at its transaction's start) in the next drawdown", async () => {
    const org = await makeOrg();
    const { meter } = await pricedMeter(1, { aggregation: "count" });
    await grant(org.id, 10);
    await ingestEvents(org.id, [{ eventId: "1", eventName: meter.eventName }]);
    // The previous drawdown stopped right at this event's ingested_at: the event was not read then.
    await rows(
      sql`insert into credit_drawdown_cursors (org_id, drawn_through, updated_at)
          select org_id, ingested_at, now() from usage_events where org_id = ${org.id}`,
    );
    expect(await exactBalance(org.id)).toMatchObject({ pending: 1, balance: 9 });
    const swept = await runDrawdown(undefined, new Date(), now0);
    expect(swept.filter((r) => r.orgId === org.id)).toMatchObject([{ drawn: [{ events: 1 }] }]);
    expect(await exactBalance(org.id)).toMatchObject({ ledgerBalance: 9, pending: 0 });
  });
});
