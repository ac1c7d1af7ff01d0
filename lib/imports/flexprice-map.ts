// FlexPrice's objects in Tally's terms (pure: no database). Meters by event name; a plan and its
// prices become one plan version (one billing period: monthly first, else annual): recurring fees
// paid in advance make the base price, fixed fees in arrears fixed charges, usage prices per-unit,
// package or tiered charges on the meter; customers by external id; active and trialing
// subscriptions; active wallets' whole credits. What Tally cannot carry is skipped with the reason.
import type { Aggregation, PlanInterval } from "@/lib/db/schema";
import { dec, isDecimalString } from "@/lib/money";
import type { Charge } from "@/lib/rating";
import {
  toCode,
  wholeCredits,
  type ImportBundle,
  type PlanSpec,
  type SkippedSpec,
  type SubscriptionSpec,
} from "./bundle";
import type { FlexPriceData, FlexPrice } from "./flexprice-client";

const AGGREGATIONS: Record<string, Aggregation> = {
  COUNT: "count",
  SUM: "sum",
  MAX: "max",
  COUNT_UNIQUE: "unique_count",
  LATEST: "latest",
};

const PERIODS: Record<string, PlanInterval> = { MONTHLY: "month", ANNUAL: "year" };

const planIdOf = (p: FlexPrice) =>
  p.plan_id ?? (p.entity_type?.toUpperCase() === "PLAN" ? (p.entity_id ?? null) : null);

function charge(p: FlexPrice, meterCode: (id: string) => string | undefined): Charge | string {
  const name = p.display_name || p.description || undefined;
  if (!isDecimalString(p.amount) && p.billing_model !== "TIERED")
    return `price ${p.id}: amount ${p.amount} is not a decimal`;
  if (p.type === "FIXED") {
    if (p.billing_cadence && p.billing_cadence !== "RECURRING")
      return `price ${p.id}: one-time fixed prices are not carried`;
    return { type: "fixed", name: name ?? "Fixed fee", amount: p.amount };
  }
  if (p.type !== "USAGE") return `price ${p.id}: type ${p.type} is not carried`;
  const meter = p.meter_id ? meterCode(p.meter_id) : undefined;
  if (!meter) return `price ${p.id}: its meter ${p.meter_id ?? "(none)"} was not imported`;
  if (Object.values(p.filter_values ?? {}).some((v) => v?.length))
    return `price ${p.id}: prices for some filter values of a meter are not carried`;
  const base = { type: "usage" as const, meter, ...(name ? { name } : {}) };
  switch (p.billing_model) {
    case "FLAT_FEE":
      if (p.transform_quantity && p.transform_quantity.divide_by !== 1)
        return `price ${p.id}: a flat fee with a quantity transform is not carried`;
      return { ...base, model: "per_unit", unit_price: p.amount };
    case "PACKAGE": {
      const size = p.transform_quantity?.divide_by ?? 1;
      if (!Number.isSafeInteger(size) || size < 1) return `price ${p.id}: package size ${size} is not a whole number`;
      if (p.transform_quantity?.round && p.transform_quantity.round.toLowerCase() !== "up")
        return `price ${p.id}: packages rounded ${p.transform_quantity.round} are not carried (Tally charges every started package)`;
      return { ...base, model: "package", package_size: size, package_price: p.amount };
    }
    case "TIERED": {
      const tiers = (p.tiers ?? []).map((t) => ({
        up_to: t.up_to ?? null,
        unit_price: t.unit_amount,
        ...(t.flat_amount && t.flat_amount !== "0" ? { flat_amount: t.flat_amount } : {}),
      }));
      if (tiers.length === 0) return `price ${p.id}: tiered without tiers`;
      return { ...base, model: p.tier_mode?.toUpperCase() === "VOLUME" ? "volume" : "graduated", tiers };
    }
    default:
      return `price ${p.id}: billing model ${p.billing_model} is not carried`;
  }
}

const isAdvanceFee = (p: FlexPrice) =>
  p.type === "FIXED" &&
  isDecimalString(p.amount) &&
  (p.billing_cadence ?? "RECURRING").toUpperCase() === "RECURRING" &&
  (p.invoice_cadence ?? "ADVANCE").toUpperCase() === "ADVANCE";

export function mapFlexPrice(data: FlexPriceData): ImportBundle {
  const skipped: SkippedSpec[] = [];
  const bundle: ImportBundle = {
    source: "flexprice",
    meters: [],
    plans: [],
    customers: [],
    subscriptions: [],
    wallets: [],
    skipped,
  };

  const meterCodes = new Map<string, string>();
  const usedCodes = new Set<string>();
  for (const m of data.meters) {
    const name = m.name || m.event_name;
    const aggregation = AGGREGATIONS[m.aggregation.type.toUpperCase()];
    if (!aggregation) {
      skipped.push({
        kind: "meter",
        sourceId: m.id,
        name,
        reason: `aggregation ${m.aggregation.type} has no Tally equivalent`,
      });
      continue;
    }
    const property = aggregation === "count" ? null : (m.aggregation.field ?? null);
    if (aggregation !== "count" && !property) {
      skipped.push({ kind: "meter", sourceId: m.id, name, reason: `${m.aggregation.type} names no field` });
      continue;
    }
    let code = toCode(m.event_name);
    if (usedCodes.has(code)) code = toCode(`${m.event_name}_${name}`);
    usedCodes.add(code);
    meterCodes.set(m.id, code);
    const filters = Object.fromEntries(
      (m.filters ?? []).filter((f) => f.values?.length).map((f) => [f.key, f.values!]),
    );
    bundle.meters.push({ sourceId: m.id, name, code, eventName: m.event_name, aggregation, property, filters });
  }

  for (const plan of data.plans) {
    const prices = data.prices.filter((p) => planIdOf(p) === plan.id);
    const periods = new Set(prices.map((p) => p.billing_period.toUpperCase()));
    const period = periods.has("MONTHLY")
      ? "MONTHLY"
      : periods.has("ANNUAL")
        ? "ANNUAL"
        : prices.length
          ? null
          : "MONTHLY";
    if (!period) {
      skipped.push({
        kind: "plan",
        sourceId: plan.id,
        name: plan.name,
        reason: `billed ${[...periods].join(", ")}: Tally plans are monthly or yearly`,
      });
      continue;
    }
    const chosen = prices.filter((p) => p.billing_period.toUpperCase() === period);
    const others = prices.length - chosen.length;
    const notes = others ? [`${others} price(s) of other billing periods left out: a Tally plan has one interval`] : [];
    const problems: string[] = [];
    const charges: Charge[] = [];
    let basePrice = dec(0);
    for (const p of chosen) {
      if ((p.billing_period_count ?? 1) !== 1) {
        problems.push(`price ${p.id}: every ${p.billing_period_count} periods is not carried`);
        continue;
      }
      // A recurring fee paid in advance is what a Tally plan's base price is (billed at each period's
      // start, counted in MRR); a fixed fee in arrears stays a fixed charge.
      if (isAdvanceFee(p)) {
        basePrice = basePrice.plus(p.amount);
        continue;
      }
      const c = charge(p, (id) => meterCodes.get(id));
      if (typeof c === "string") problems.push(c);
      else charges.push(c);
    }
    const currencies = new Set(chosen.map((p) => p.currency.toLowerCase()));
    if (currencies.size > 1) problems.push(`prices in several currencies (${[...currencies].join(", ")})`);
    if (problems.length) {
      skipped.push({ kind: "plan", sourceId: plan.id, name: plan.name, reason: problems.join("; ") });
      continue;
    }
    const spec: PlanSpec = {
      sourceId: plan.id,
      importId: plan.id,
      name: plan.name,
      description: plan.description ?? "",
      currency: [...currencies][0] ?? "usd",
      interval: PERIODS[period]!,
      base_price: basePrice.toFixed(),
      charges,
      notes,
    };
    bundle.plans.push(spec);
  }

  for (const c of data.customers) {
    bundle.customers.push({
      sourceId: c.id,
      name: c.name || c.external_id || c.id,
      email: c.email || null,
      externalId: c.external_id || null,
    });
  }

  for (const s of data.subscriptions) {
    const status = s.subscription_status.toLowerCase();
    const start = new Date(s.current_period_start);
    const end = new Date(s.current_period_end);
    const name = s.lookup_key || s.id;
    if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) || end <= start) {
      skipped.push({ kind: "subscription", sourceId: s.id, name, reason: "its current period is not a valid range" });
      continue;
    }
    const period = s.billing_period?.toUpperCase();
    const interval = period ? (PERIODS[period] ?? null) : null;
    if (period && !interval) {
      skipped.push({
        kind: "subscription",
        sourceId: s.id,
        name,
        reason: `billed ${period}: Tally bills monthly or yearly`,
      });
      continue;
    }
    const spec: SubscriptionSpec = {
      sourceId: s.id,
      name,
      customerSourceId: s.customer_id,
      planImportId: s.plan_id,
      interval,
      state: status === "active" || status === "trialing" ? "live" : "ended",
      sourceStatus: status,
      currentPeriodStart: start,
      currentPeriodEnd: end,
      cancelAtPeriodEnd: s.cancel_at_period_end ?? false,
      externalId: null,
    };
    bundle.subscriptions.push(spec);
  }

  // Wallets: an active wallet's credits become purchased credits (whole credits only).
  const customerIds = new Set(data.customers.map((c) => c.id));
  for (const w of data.wallets) {
    const name = w.name || w.id;
    const skip = (reason: string) => skipped.push({ kind: "wallet", sourceId: w.id, name, reason });
    const balance = wholeCredits(w.credit_balance);
    if (!customerIds.has(w.customer_id)) skip(`its customer ${w.customer_id} is not in the customers list`);
    else if (w.wallet_status.toLowerCase() !== "active") skip(`${w.wallet_status.toLowerCase()} at FlexPrice`);
    else if ("skip" in balance) skip(balance.skip);
    else
      bundle.wallets.push({
        sourceId: w.id,
        name,
        customerSourceId: w.customer_id,
        credits: balance.credits,
        expiresAt: null,
      });
  }
  return bundle;
}
