// The SQL form of the MRR rule (used by the stats aggregate and the lists' MRR sort) must agree
// with the pure function case by case.
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rows } from "@/lib/db/client";
import type { PlanInterval, SubscriptionStatus } from "@/lib/db/schema";
import { D } from "@/lib/money";
import { mrrTwelfths, type MrrInput } from "@/lib/revenue/mrr";
import { mrrHundredTwelfthsSql } from "@/lib/revenue/mrr-sql";

const statuses: SubscriptionStatus[] = ["incomplete", "trialing", "active", "past_due", "canceled", "expired"];
const intervals: PlanInterval[] = ["month", "year"];
const prices = [0, 6, 100, 2900, 29000, 99000, 299000];
const discounts = ["0", "12.5", "20", "33.3333", "100", "150", "-5"];

describe("MRR in SQL", () => {
  it("equals mrrTwelfths for every status, interval, price and discount", async () => {
    const cases: MrrInput[] = [];
    for (const status of statuses)
      for (const interval of intervals)
        for (const basePriceCents of prices)
          for (const discountPercent of discounts) cases.push({ status, interval, basePriceCents, discountPercent });
    const values = sql.join(
      cases.map(
        (c) =>
          sql`(${c.status}::text, ${c.interval}::text, ${c.basePriceCents}::bigint, ${c.discountPercent}::numeric)`,
      ),
      sql`, `,
    );
    const mrr = mrrHundredTwelfthsSql({
      status: sql`v.status`,
      interval: sql`v.interval`,
      basePriceCents: sql`v.price`,
      discountPercent: sql`v.discount`,
      livemode: sql`true`,
    });
    const out = await rows<{ mrr100: string }>(
      sql`select (${mrr})::text as mrr100 from (values ${values}) as v(status, interval, price, discount)`,
    );
    expect(out).toHaveLength(cases.length);
    const mismatches = cases.filter((c, i) => !new D(out[i]!.mrr100).div(100).eq(mrrTwelfths(c)));
    expect(mismatches).toEqual([]);
  });
});
