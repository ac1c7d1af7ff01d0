// Group commit of credit spends: many spends, for several customers, in one transaction. Driven
// here through runSpendGroup directly (both drivers: deterministic groups) and through concurrent
// consumeCredits calls (Postgres, where groups form under load).
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { insertCreditEvent } from "@/lib/catalog/seed-catalog";
import { InsufficientCredits } from "@/lib/credits/account";
import { consumeCredits, consumeSpend, type ConsumeInput } from "@/lib/credits/consume-credits";
import { grantCredits } from "@/lib/credits/grant-credits";
import { checkCreditInvariants } from "@/lib/credits/invariants";
import { runSpendGroup } from "@/lib/credits/movement-group";
import { updateCreditSettings } from "@/lib/credits/settings";
import { driver, openPostgres, rows } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { spend } from "@/lib/credits/spend-group";
import { metrics } from "@/lib/metrics";
import { makeOrg, uid } from "./support/fixtures";

let call: string;

beforeAll(async () => {
  call = `grouped_${uid()}`;
  await insertCreditEvent({ code: call, name: "Grouped call", credits: 10 });
});

async function grant(
  orgId: string,
  amount: number,
  source: "purchased" | "subscription",
  expiresInDays: number | null = null,
) {
  await grantCredits(orgId, {
    amount,
    source,
    expiresAt: expiresInDays === null ? null : new Date(Date.now() + expiresInDays * 86_400_000),
    reason: "test",
    idempotencyKey: uid(),
    actor: "test",
  });
}

const spendOf = (orgId: string, input: Partial<ConsumeInput>) =>
  consumeSpend(orgId, { idempotencyKey: uid(), actor: "test", ...input });
const keyRow = async (orgId: string, key: string) =>
  (
    await rows<{ status: number; response: unknown }>(
      sql`select status, response from idempotency_keys where org_id = ${orgId} and scope = 'credits.consume' and key = ${key}`,
    )
  )[0];
const ledgerOf = (orgId: string, operationId: string) =>
  rows<{ kind: string; bucket_id: string; amount: string; balance_after: string }>(
    sql`select kind, bucket_id, amount::text, balance_after::text from credit_ledger where org_id = ${orgId} and operation_id = ${operationId} order by seq`,
  );

describe("a group of spends", () => {
  it("applies each customer's spends in order, refuses the ones short of credits alone, and stores every answer", async () => {
    const [a, b] = [await makeOrg(), await makeOrg()];
    await grant(a.id, 50, "subscription", 30);
    await grant(a.id, 25, "purchased");
    await grant(b.id, 15, "purchased");
    const spends = [
      spendOf(a.id, { eventName: call, quantity: "2" }), // 20: purchased first (25 → 5)
      spendOf(b.id, { credits: 10 }),
      spendOf(a.id, { credits: 30 }), // 5 purchased + 25 subscription
      spendOf(b.id, { credits: 10 }), // only 5 left: refused, nothing spent
      spendOf(a.id, { eventName: "no_such_event", quantity: "1" }), // refused: 400
    ];
    const out = await runSpendGroup(spends, new Date());
    expect(out.map((o) => o.kind)).toEqual(["done", "done", "done", "refused", "refused"]);
    const [first, , third] = out as {
      kind: "done";
      status: number;
      body: { id: string; balance_after: number; spent: { source: string; credits: number }[] };
    }[];
    expect(first!.body).toMatchObject({ balance_after: 55, spent: [{ source: "purchased", credits: 20 }] });
    expect(third!.body.balance_after).toBe(25);
    expect(third!.body.spent).toEqual([
      expect.objectContaining({ source: "purchased", credits: 5 }),
      expect.objectContaining({ source: "subscription", credits: 25 }),
    ]);
    const refusal = out[3] as { kind: "refused"; error: unknown };
    expect(refusal.error).toBeInstanceOf(InsufficientCredits);
    expect((refusal.error as AppError).details).toMatchObject({ balance: 5, shortfall: 5 });
    expect(((out[4] as { error: AppError }).error as AppError).message).toMatch(/no active credit event/);
    // Each answer is stored under its key (a retry replays it); a refusal leaves no key behind.
    expect((await keyRow(a.id, spends[2]!.claim.key))?.response).toMatchObject({
      id: third!.body.id,
      balance_after: 25,
    });
    expect(await keyRow(b.id, spends[3]!.claim.key)).toBeUndefined();
    expect(await keyRow(a.id, spends[4]!.claim.key)).toBeUndefined();
    const rowsOfThird = await ledgerOf(a.id, third!.body.id);
    expect(rowsOfThird.map((r) => [r.kind, r.amount, r.balance_after])).toEqual([
      ["consume", "-5", "50"],
      ["consume", "-25", "25"],
    ]);
    expect(await checkCreditInvariants({ orgIds: [a.id, b.id] })).toEqual([]);
  });

  it("leaves a replayed key and a customer without a balance row to the single path, and a retry answers the first result", async () => {
    const org = await makeOrg();
    await grant(org.id, 100, "purchased");
    const first = await consumeCredits(org.id, { credits: 7, idempotencyKey: "once", actor: "test" });
    const fresh = await makeOrg(); // no credits ever: no balance row yet
    const out = await runSpendGroup(
      [
        spendOf(org.id, { credits: 7, idempotencyKey: "once" }),
        spendOf(fresh.id, { credits: 1, idempotencyKey: "fresh" }),
        spendOf(org.id, { credits: 3 }),
      ],
      new Date(),
    );
    expect(out.map((o) => o.kind)).toEqual(["alone", "alone", "done"]);
    // The group let go of the claim, so the single path can take the key.
    expect(await keyRow(fresh.id, "fresh")).toBeUndefined();
    const again = await consumeCredits(org.id, { credits: 7, idempotencyKey: "once", actor: "test" });
    expect(again).toMatchObject({ replayed: true, body: first.body });
    expect((out[2] as { body: { balance_after: number } }).body.balance_after).toBe(90);
    expect(await checkCreditInvariants({ orgIds: [org.id] })).toEqual([]);
  });

  it("records overage at the organization's price, and reports a low balance once", async () => {
    const org = await makeOrg();
    await grant(org.id, 100, "purchased");
    await updateCreditSettings(org.id, {
      allowOverage: true,
      overagePricePerCredit: "0.5",
      overageCurrency: "usd",
      lowBalanceThreshold: 50,
    });
    const out = await runSpendGroup(
      [spendOf(org.id, { credits: 40 }), spendOf(org.id, { credits: 40 }), spendOf(org.id, { credits: 40 })],
      new Date(),
    );
    const done = out as {
      kind: "done";
      body: { balance_after: number; overage_credits: number; overage_cost: string | null };
      lowBalance: unknown;
    }[];
    expect(done.map((o) => o.body.balance_after)).toEqual([60, 20, -20]);
    expect(done[2]!.body).toMatchObject({ overage_credits: 20, overage_cost: "10" });
    // 60 → 20 crosses the threshold of 50; 20 → −20 is already below it.
    expect(done.map((o) => o.lowBalance)).toEqual([null, { balance: 20, threshold: 50 }, null]);
    const [over] = await rows<{ unit_price: string }>(
      sql`select unit_price::text from credit_ledger where org_id = ${org.id} and kind = 'overage'`,
    );
    expect(over?.unit_price).toBe("0.5");
    expect(await checkCreditInvariants({ orgIds: [org.id] })).toEqual([]);
  });
});

describe("groups that meet on one customer", () => {
  it("take turns on its lock, the later group spending from what the earlier one left", async () => {
    const org = await makeOrg();
    await grant(org.id, 1_000, "purchased");
    const group = () => Array.from({ length: 6 }, () => spendOf(org.id, { credits: 5 }));
    const all = (await Promise.all(Array.from({ length: 4 }, () => runSpendGroup(group(), new Date())))).flat();
    // None falls back to one-by-one: a group that waited reads the balance row as the other left it.
    expect(all.map((o) => o.kind)).toEqual(Array(24).fill("done"));
    const balances = all
      .map((o) => (o as { body: { balance_after: number } }).body.balance_after)
      .sort((a, b) => b - a);
    expect(balances).toEqual(Array.from({ length: 24 }, (_, i) => 1_000 - 5 * (i + 1)));
    expect(await checkCreditInvariants({ orgIds: [org.id] })).toEqual([]);
  });
});

describe("spends under load", () => {
  it("go in groups on Postgres, each answered exactly, the same key spent once", async () => {
    const orgs = [await makeOrg(), await makeOrg(), await makeOrg()];
    for (const o of orgs) await grant(o.id, 1_000, "purchased");
    const before =
      (await metrics.creditSpendGroups.get()).values.find((v) => v.metricName === "tally_credit_spend_group_size_count")
        ?.value ?? 0;
    const calls = Array.from({ length: 60 }, (_, i) => ({
      org: orgs[i % 3]!,
      key: i % 20 === 0 ? "shared" : uid(),
      credits: 1 + (i % 4),
    }));
    const results = await Promise.allSettled(
      calls.map((c) => consumeCredits(c.org.id, { credits: c.credits, idempotencyKey: c.key, actor: "test" })),
    );
    expect(results.every((r) => r.status === "fulfilled")).toBe(true);
    const answers = results.map((r) => (r as PromiseFulfilledResult<Awaited<ReturnType<typeof consumeCredits>>>).value);
    // "shared" goes to each customer once (i = 0, 20, 40 → customers 0, 2, 1): keys are per customer.
    for (const o of orgs) {
      const spent = calls.reduce((s, c, i) => (c.org === o && !answers[i]!.replayed ? s + c.credits : s), 0);
      const [bal] = await rows<{ balance: string }>(
        sql`select balance::text from credit_balances where org_id = ${o.id}`,
      );
      expect(Number(bal!.balance)).toBe(1_000 - spent);
      // Every answer's balance is the ledger's balance after that spend.
      for (const [i, c] of calls.entries()) {
        if (c.org !== o || answers[i]!.replayed) continue;
        const ledger = await ledgerOf(o.id, answers[i]!.body.id);
        expect(Number(ledger.at(-1)!.balance_after)).toBe(answers[i]!.body.balance_after);
      }
    }
    expect(await checkCreditInvariants({ orgIds: orgs.map((o) => o.id) })).toEqual([]);
    const after =
      (await metrics.creditSpendGroups.get()).values.find((v) => v.metricName === "tally_credit_spend_group_size_count")
        ?.value ?? 0;
    if (driver().kind === "postgres") expect(after).toBeGreaterThan(before);
    else expect(after).toBe(before);
  });

  it("spend one key once when it is sent concurrently, and answer the rest with the first result", async () => {
    const org = await makeOrg();
    await grant(org.id, 500, "purchased");
    const results = await Promise.all(
      Array.from({ length: 12 }, () =>
        consumeCredits(org.id, { credits: 9, idempotencyKey: "same-key", actor: "test" }),
      ),
    );
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    const [bal] = await rows<{ balance: string }>(
      sql`select balance::text from credit_balances where org_id = ${org.id}`,
    );
    expect(bal!.balance).toBe("491");
  });

  it("runs each spend of a failed group on its own, so an error reaches only the caller that caused it", async () => {
    const org = await makeOrg();
    await grant(org.id, 100, "purchased");
    const spends = Array.from({ length: 10 }, (_, i) => {
      const s = spendOf(org.id, { credits: 1 });
      if (i === 7) {
        s.step = () => {
          throw new Error("a bug in one spend");
        };
        s.alone = () => Promise.reject(new Error("a bug in one spend, alone"));
      }
      return s;
    });
    const results = await Promise.allSettled(spends.map((s) => spend(s)));
    const failed = results.flatMap((r, i) => (r.status === "rejected" ? [[i, (r.reason as Error).message]] : []));
    expect(failed).toEqual([[7, "a bug in one spend, alone"]]);
    const [bal] = await rows<{ balance: string }>(
      sql`select balance::text from credit_balances where org_id = ${org.id}`,
    );
    expect(bal!.balance).toBe("91");
    expect(await checkCreditInvariants({ orgIds: [org.id] })).toEqual([]);
  });

  it.runIf(process.env.TEST_DB === "postgres")(
    "hold up only the customer whose lock another transaction keeps, not the others in their groups",
    async () => {
      const [stuck, other] = [await makeOrg(), await makeOrg()];
      await grant(stuck.id, 100, "purchased");
      await grant(other.id, 100, "purchased");
      const d = driver();
      if (d.kind !== "postgres") throw new Error("expected the Postgres run");
      const holder = openPostgres(d.url, 1);
      let released = false;
      try {
        // Another transaction keeps the stuck customer's balance row locked until the other customer's
        // spends are all done, or at most 6 s: long enough for two rounds of group lock timeouts (1 s each)
        // and the retries one by one, with room for a machine busy with the rest of the suite (3 s was once
        // too short under CI's load). Spends held up behind the lock finish after the release: the check
        // below then fails.
        let othersDone = () => {};
        const othersDonePromise = new Promise<void>((r) => (othersDone = r));
        const held = holder.db.transaction(async (tx) => {
          await rows(sql`select 1 from credit_balances where org_id = ${stuck.id} for update`, tx);
          let timer: ReturnType<typeof setTimeout> | undefined;
          await Promise.race([othersDonePromise, new Promise((r) => (timer = setTimeout(r, 6_000)))]);
          clearTimeout(timer);
          released = true;
        });
        await new Promise((r) => setTimeout(r, 100));
        // The stuck customer's spends arrive first and fill every slot; the other's come behind them.
        const stuckSpends = Array.from({ length: 6 }, () =>
          consumeCredits(stuck.id, { credits: 1, idempotencyKey: uid(), actor: "test" }),
        );
        const doneBeforeRelease: boolean[] = [];
        const otherSpends = Array.from({ length: 12 }, () =>
          consumeCredits(other.id, { credits: 2, idempotencyKey: uid(), actor: "test" }).then((r) => {
            doneBeforeRelease.push(!released);
            return r;
          }),
        );
        await Promise.all(otherSpends);
        othersDone();
        expect(doneBeforeRelease).toEqual(Array(12).fill(true));
        await held;
        expect((await Promise.all(stuckSpends)).map((r) => r.body.balance_after).sort((a, b) => b - a)).toEqual([
          99, 98, 97, 96, 95, 94,
        ]);
        expect(await checkCreditInvariants({ orgIds: [stuck.id, other.id] })).toEqual([]);
      } finally {
        if (holder.driver.kind === "postgres") await holder.driver.client.end();
      }
    },
  );
});
