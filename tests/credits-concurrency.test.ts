// Many concurrent workers doing random grants, consumes, reserves, commits, releases and expiries
// against one database, with the invariants checked after every round. On Postgres this is the
// test that catches locking bugs; PGlite serializes everything, so it gets a smaller run.
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { adjustCredits } from "@/lib/credits/adjust-credits";
import { consumeCredits } from "@/lib/credits/consume-credits";
import { expireDueCredits } from "@/lib/credits/expire-credits";
import { grantCredits } from "@/lib/credits/grant-credits";
import { checkCreditInvariants } from "@/lib/credits/invariants";
import { commitReservation, releaseReservation, reserveCredits } from "@/lib/credits/reservations";
import { updateCreditSettings } from "@/lib/credits/settings";
import { rows } from "@/lib/db/client";
import type { CreditSource } from "@/lib/db/schema";
import { AppError } from "@/lib/http/errors";
import { makeOrg, uid } from "./support/fixtures";

const onPostgres = process.env.TEST_DB === "postgres";
const ORGS = onPostgres ? 3 : 2;
const WORKERS = onPostgres ? 24 : 4;
const ROUNDS = onPostgres ? 6 : 3;
const OPS_PER_WORKER = onPostgres ? 12 : 6;

// Deterministic randomness, so a failure replays.
function rng(seed: number) {
  let s = seed;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Refusals the rules call for; anything else is a bug. */
const expected = (e: unknown) =>
  e instanceof AppError && ["insufficient_credits", "conflict", "not_found"].includes(e.code);

type Spend = { orgId: string; operationId: string; credits: number };

describe("the ledger under concurrent load", () => {
  it(
    `keeps every invariant with ${WORKERS} workers × ${ROUNDS} rounds over ${ORGS} customers`,
    { timeout: 240_000 },
    async () => {
      const orgs = await Promise.all(Array.from({ length: ORGS }, () => makeOrg()));
      const orgIds = orgs.map((o) => o.id);
      // One customer runs with overage allowed, so negative balances are exercised too.
      await updateCreditSettings(orgIds[0]!, { allowOverage: true, overagePricePerCredit: "0.01" });
      await updateCreditSettings(orgIds[1]!, { precedence: ["subscription", "promotional", "purchased"] });
      const spends: Spend[] = [];
      const reservations: { orgId: string; id: string }[] = [];
      const counts: Record<string, number> = {};
      const count = (k: string) => (counts[k] = (counts[k] ?? 0) + 1);

      for (let round = 0; round < ROUNDS; round++) {
        await Promise.all(
          Array.from({ length: WORKERS }, async (_, w) => {
            const random = rng(round * 1000 + w + 1);
            const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)]!;
            for (let i = 0; i < OPS_PER_WORKER; i++) {
              const orgId = pick(orgIds);
              const r = random();
              try {
                if (r < 0.15) {
                  const source = pick<CreditSource>(["purchased", "subscription", "promotional"]);
                  const expiresAt =
                    source === "purchased" ? null : new Date(Date.now() + 200 + Math.floor(random() * 1500));
                  await grantCredits(orgId, {
                    amount: 20 + Math.floor(random() * 200),
                    source,
                    expiresAt,
                    reason: "load",
                    idempotencyKey: uid(),
                    actor: "test",
                  });
                  count("grant");
                } else if (r < 0.5) {
                  const key = uid();
                  const credits = 1 + Math.floor(random() * 60);
                  // Sometimes the client retries at once: the same key twice, concurrently.
                  const attempts = random() < 0.2 ? 2 : 1;
                  const results = await Promise.allSettled(
                    Array.from({ length: attempts }, () =>
                      consumeCredits(orgId, { credits, idempotencyKey: key, actor: "test" }),
                    ),
                  );
                  const ok = results.find((x) => x.status === "fulfilled");
                  for (const x of results) if (x.status === "rejected" && !expected(x.reason)) throw x.reason;
                  if (ok && ok.status === "fulfilled") {
                    spends.push({ orgId, operationId: ok.value.body.id, credits });
                    count("consume");
                  } else count("refused");
                } else if (r < 0.7) {
                  const res = await reserveCredits(orgId, {
                    credits: 1 + Math.floor(random() * 50),
                    ttlSeconds: random() < 0.3 ? 1 : 60,
                    idempotencyKey: uid(),
                    actor: "test",
                  });
                  reservations.push({ orgId, id: res.body.id });
                  count("reserve");
                } else if (r < 0.85) {
                  const h = reservations.length
                    ? reservations.splice(Math.floor(random() * reservations.length), 1)[0]!
                    : null;
                  if (h) {
                    await commitReservation(h.orgId, h.id, { credits: Math.floor(random() * 70), actor: "test" });
                    count("commit");
                  }
                } else if (r < 0.93) {
                  const h = reservations.length
                    ? reservations.splice(Math.floor(random() * reservations.length), 1)[0]!
                    : null;
                  if (h) {
                    await releaseReservation(h.orgId, h.id, { actor: "test" });
                    count("release");
                  }
                } else if (r < 0.97) {
                  await expireDueCredits(new Date());
                  count("expire-job");
                } else {
                  await adjustCredits(orgId, {
                    amount: random() < 0.5 ? -5 : 5,
                    reason: "load",
                    idempotencyKey: uid(),
                    actor: "test",
                  });
                  count("adjust");
                }
              } catch (e) {
                if (!expected(e)) throw e;
                count("refused");
              }
            }
          }),
        );
        const violations = await checkCreditInvariants({ orgIds });
        expect(violations, `round ${round}`).toEqual([]);
      }

      // Every acknowledged spend is in the ledger exactly once, for exactly its credits.
      const ops = spends.map((s) => s.operationId);
      const recorded = await rows<{ operation_id: string; credits: number }>(
        sql`select operation_id, sum(case when kind = 'overage' then -amount else -bucket_delta end)::int as credits
          from credit_ledger where kind in ('consume', 'overage') and operation_id in (${sql.join(
            ops.map((o) => sql`${o}`),
            sql`, `,
          )})
          group by operation_id`,
      );
      const byOp = new Map(recorded.map((r) => [r.operation_id, r.credits]));
      expect(spends.filter((s) => byOp.get(s.operationId) !== s.credits)).toEqual([]);
      expect(counts.consume ?? 0).toBeGreaterThan(0);
      expect(counts.commit ?? 0).toBeGreaterThan(0);
    },
  );
});
