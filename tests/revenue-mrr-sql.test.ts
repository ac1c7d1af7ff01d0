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
/** Amount-off coupons (minor units): none, small, the whole of a small price, more than any price. */
const amountsOff = [0, 5, 1000, 500000];
/** Recurring add-ons' fee per interval (minor units, never discounted). */
const addonFees = [0, 1000];

describe("MRR in SQL", () => {
  it("equals mrrTwelfths for every status, interval, price, discount (percent or amount off) and add-on fee", async () => {
    const cases: MrrInput[] = [];
    for (const status of statuses)
      for (const interval of intervals)
        for (const basePriceCents of prices)
          for (const discountPercent of discounts)
            for (const discountAmountCents of discountPercent === "0" ? amountsOff : [0])
              for (const addonCents of addonFees)
                cases.push({ status, interval, basePriceCents, discountPercent, discountAmountCents, addonCents });
    const values = sql.join(
      cases.map(
        (c) =>
          sql`(${c.status}::text, ${c.interval}::text, ${c.basePriceCents}::bigint, ${c.discountPercent}::numeric, ${c.discountAmountCents ?? 0}::bigint, ${c.addonCents ?? 0}::bigint)`,
      ),
      sql`, `,
    );
    const mrr = mrrHundredTwelfthsSql({
      status: sql`v.status`,
      interval: sql`v.interval`,
      basePriceCents: sql`v.price`,
      discountPercent: sql`v.discount`,
      discountAmountCents: sql`v.amount_off`,
      addonCents: sql`v.addons`,
      livemode: sql`true`,
    });
    const out = await rows<{ mrr100: string }>(
      sql`select (${mrr})::text as mrr100 from (values ${values}) as v(status, interval, price, discount, amount_off, addons)`,
    );
    expect(out).toHaveLength(cases.length);
    const mismatches = cases.filter((c, i) => !new D(out[i]!.mrr100).div(100).eq(mrrTwelfths(c)));
    expect(mismatches).toEqual([]);
  });
});
