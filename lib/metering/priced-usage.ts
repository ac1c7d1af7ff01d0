// Usage priced with the customer's plan: quantities from the rollups (group charges read per
// group value), rated by lib/rating's ratePlan. Shared by the usage summary, the billing usage
// view and the usage pages.
import "server-only";
import type { Executor } from "@/lib/db/client";
import type { Plan } from "@/lib/db/schema";
import { D, roundToMinor, type Dec } from "@/lib/money";
import {
  rateCharge,
  ratePlan,
  type Charge,
  type Quantity,
  type RatedLine,
  type RatedTotal,
  type UsageCharge,
} from "@/lib/rating";
import type { Period } from "./limit-period";
import type { MeterDef } from "./meters";
import { queryUsage, type MeterUsage } from "./usage-query";

/** A group value the meter did not see (the property was missing) is rated, and shown, under this name. */
export const NO_GROUP = "(none)";

export type PricedUsage = {
  usage: MeterUsage[];
  quantities: Record<string, Quantity>;
  rated: RatedTotal | null;
  /** Exact amount per meter code (the sum of its lines). */
  amountByMeter: Map<string, Dec>;
  linesByMeter: Map<string, RatedLine[]>;
};

const usageCharges = (charges: Charge[]) => charges.filter((c): c is UsageCharge => c.type === "usage");

/** A non-negative quantity for rating: no usage (null) is 0, and a negative sum (adjustments) rates as 0. */
export function ratable(value: string | null): string {
  if (value === null) return "0";
  return new D(value).isNegative() ? "0" : value;
}

export async function pricedUsage(
  orgId: string,
  meters: MeterDef[],
  range: Period,
  plan: Plan | null,
  tx?: Executor,
): Promise<PricedUsage> {
  const charges = plan?.charges ?? [];
  // Meters with a group charge are read per value of the charge's property.
  const groupFor = new Map<string, string>();
  for (const c of usageCharges(charges)) if (c.model === "group") groupFor.set(c.meter, c.group_by);
  const plain = meters.filter((m) => !groupFor.has(m.code));
  // The reads go out together (pipelined on one connection inside a transaction).
  const reads = await Promise.all([
    plain.length ? queryUsage({ orgId, meters: plain, range }, tx) : Promise.resolve([]),
    ...meters.flatMap((m) => {
      const key = groupFor.get(m.code);
      return key ? [queryUsage({ orgId, meters: [m], range, groupBy: m.groupBy.includes(key) ? [key] : [] }, tx)] : [];
    }),
  ]);
  const usage: MeterUsage[] = reads.flat();
  const order = new Map(meters.map((m, i) => [m.id, i]));
  usage.sort((a, b) => order.get(a.meter.id)! - order.get(b.meter.id)!);

  const quantities: Record<string, Quantity> = {};
  for (const u of usage) {
    const key = groupFor.get(u.meter.code);
    if (key && u.groups) {
      const groups: Record<string, string> = {};
      for (const g of u.groups) {
        const name = g.group[key] ?? NO_GROUP;
        groups[name] = new D(groups[name] ?? "0").plus(ratable(g.value)).toFixed();
      }
      quantities[u.meter.code] = { groups };
    } else if (key) {
      // The meter does not group by the charge's property: its usage cannot be split by value.
      quantities[u.meter.code] = { groups: { [NO_GROUP]: ratable(u.value) } };
    } else {
      quantities[u.meter.code] = ratable(u.value);
    }
  }

  const rated = plan ? ratePlan(charges, quantities, plan.currency) : null;
  const amountByMeter = new Map<string, Dec>();
  const linesByMeter = new Map<string, RatedLine[]>();
  for (const line of rated?.lines ?? []) {
    if (!line.meter) continue;
    amountByMeter.set(line.meter, (amountByMeter.get(line.meter) ?? new D(0)).plus(line.amount));
    linesByMeter.set(line.meter, [...(linesByMeter.get(line.meter) ?? []), line]);
  }
  return { usage, quantities, rated, amountByMeter, linesByMeter };
}

/** What the next 1,000 units of a meter cost at the current usage (the marginal price), or null when it varies by group. */
export function pricePer1k(charges: Charge[], meterCode: string, used: string): string | null {
  const relevant = usageCharges(charges).filter((c) => c.meter === meterCode);
  if (relevant.length === 0) return null;
  if (relevant.some((c) => c.model === "group")) return null;
  let total = new D(0);
  const after = new D(ratable(used)).plus(1000).toFixed();
  for (const c of relevant)
    total = total.plus(
      new D(rateCharge(c, after, { explain: false }).amount).minus(
        rateCharge(c, ratable(used), { explain: false }).amount,
      ),
    );
  return total.toFixed();
}

/** The free units a plan gives on a meter: included_quantity plus a free first tier, else the plan limit; null when neither. */
export function includedUnits(plan: Plan | null, meterCode: string): string | null {
  if (!plan) return null;
  const charge = usageCharges(plan.charges).find((c) => c.meter === meterCode);
  if (charge) {
    let included = new D(charge.included_quantity ?? "0");
    if (
      (charge.model === "graduated" || charge.model === "volume") &&
      charge.tiers[0] &&
      new D(charge.tiers[0].unit_price).isZero() &&
      !charge.tiers[0].flat_amount &&
      charge.tiers[0].up_to !== null
    ) {
      included = included.plus(charge.tiers[0].up_to);
    }
    if (!included.isZero()) return included.toFixed();
  }
  const limit = plan.limits.find((l) => l.meter === meterCode);
  return limit ? String(limit.limit) : charge ? "0" : null;
}

export const cents = (amount: Dec | string, currency: string) => roundToMinor(amount, currency);
