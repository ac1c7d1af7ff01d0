// The SQL form of mrrTwelfths (mrr.ts), for aggregates that Postgres should do (stats, sorting
// lists by MRR). It yields 100 × the twelfths as an exact numeric (no division in SQL); divide by
// 100 in decimal.js. tests/revenue-mrr-sql.test.ts checks it against mrrTwelfths case by case.
import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { MRR_STATUSES } from "./mrr";

/** `livemode`: false for a test (sandbox) subscription, which counts zero whatever its status. */
export type MrrColumns = {
  status: SQL | unknown;
  interval: SQL | unknown;
  basePriceCents: SQL | unknown;
  discountPercent: SQL | unknown;
  /** Minor units off per interval (an amount-off coupon); absent: none. */
  discountAmountCents?: SQL | unknown;
  /** The recurring add-ons' fee per interval (never discounted); absent: none. */
  addonCents?: SQL | unknown;
  livemode: SQL | unknown;
};

const statuses = sql.raw(MRR_STATUSES.map((s) => `'${s}'`).join(", "));

/** 100 × MRR in twelfths of a minor unit, as a numeric expression; 0 when the status does not count. */
export function mrrHundredTwelfthsSql(c: MrrColumns): SQL {
  const addons = sql`greatest(${c.addonCents ?? sql`0`}::numeric, 0)`;
  return sql`(case when ${c.livemode} and ${c.status} in (${statuses}) and (${c.basePriceCents} > 0 or ${addons} > 0)
    then (greatest(${c.basePriceCents}::numeric * (100 - least(greatest(${c.discountPercent}::numeric, 0), 100)) - 100 * greatest(${c.discountAmountCents ?? sql`0`}::numeric, 0), 0) + 100 * ${addons}) * (case when ${c.interval} = 'month' then 12 else 1 end)
    else 0::numeric end)`;
}
