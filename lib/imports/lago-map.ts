// Lago's objects in Tally's terms (pure: no database). Billable metrics become meters (event name =
// the metric's code, as Lago's events name it); plans keep their fee (`amount_cents`), trial and
// standard, package, graduated and volume charges; customers by external id; active subscriptions;
// active wallets' balances as credits. What Tally cannot carry is skipped with the reason.
import type { Aggregation, PlanInterval } from "@/lib/db/schema";
import { dec, isDecimalString, minorToDecimal } from "@/lib/money";
import type { Charge, Tier } from "@/lib/rating";
import { toCode, wholeCredits, type ImportBundle, type SkippedSpec } from "./bundle";
import type { LagoCharge, LagoData } from "./lago-client";

const AGGREGATIONS: Record<string, Aggregation> = {
  count_agg: "count",
  sum_agg: "sum",
  max_agg: "max",
  unique_count_agg: "unique_count",
  latest_agg: "latest",
};
const INTERVALS: Record<string, PlanInterval> = { monthly: "month", yearly: "year" };

const tiers = (ranges: NonNullable<NonNullable<LagoCharge["properties"]>["graduated_ranges"]>): Tier[] =>
  ranges.map((r) => ({
    up_to: r.to_value,
    unit_price: r.per_unit_amount,
    ...(r.flat_amount && !dec(r.flat_amount).isZero() ? { flat_amount: r.flat_amount } : {}),
  }));

function charge(c: LagoCharge, meter: string | undefined): Charge | string {
  if (!meter) return `charge ${c.lago_id}: its metric ${c.billable_metric_code} was not imported`;
  if (c.filters?.length) return `charge ${c.lago_id}: charges with filters are not carried`;
  const p = c.properties ?? {};
  const base = { type: "usage" as const, meter, ...(c.invoice_display_name ? { name: c.invoice_display_name } : {}) };
  const amount = p.amount ?? "";
  switch (c.charge_model) {
    case "standard":
      if (!isDecimalString(amount)) return `charge ${c.lago_id}: amount ${amount} is not a decimal`;
      return { ...base, model: "per_unit", unit_price: amount };
    case "package": {
      const size = p.package_size ?? 0;
      if (!isDecimalString(amount) || !Number.isSafeInteger(size) || size < 1)
        return `charge ${c.lago_id}: package ${size} at ${amount} is not carried`;
      return {
        ...base,
        model: "package",
        package_size: size,
        package_price: amount,
        ...(p.free_units ? { included_quantity: String(p.free_units) } : {}),
      };
    }
    case "graduated":
      if (!p.graduated_ranges?.length) return `charge ${c.lago_id}: graduated without ranges`;
      return { ...base, model: "graduated", tiers: tiers(p.graduated_ranges) };
    case "volume":
      if (!p.volume_ranges?.length) return `charge ${c.lago_id}: volume without ranges`;
      return { ...base, model: "volume", tiers: tiers(p.volume_ranges) };
    default:
      return `charge ${c.lago_id}: the ${c.charge_model} charge model is not carried`;
  }
}

/** Lago ends a period at its last second (…T23:59:59Z); Tally's periods end where the next begins. */
function periodEnd(s: string): Date {
  const d = new Date(s);
  return d.getUTCSeconds() === 59 && d.getUTCMilliseconds() === 0 ? new Date(d.getTime() + 1000) : d;
}

export function mapLago(data: LagoData): ImportBundle {
  const skipped: SkippedSpec[] = [];
  const bundle: ImportBundle = {
    source: "lago",
    meters: [],
    plans: [],
    customers: [],
    subscriptions: [],
    wallets: [],
    skipped,
  };

  const meterCodes = new Map<string, string>();
  for (const m of data.metrics) {
    const aggregation = AGGREGATIONS[m.aggregation_type];
    const skip = (reason: string) => skipped.push({ kind: "meter", sourceId: m.lago_id, name: m.name, reason });
    if (!aggregation) {
      skip(`aggregation ${m.aggregation_type} has no Tally equivalent`);
      continue;
    }
    if (m.recurring) {
      skip("a recurring metric carries its value over periods; Tally meters start again each period");
      continue;
    }
    const property = aggregation === "count" ? null : (m.field_name ?? null);
    if (aggregation !== "count" && !property) {
      skip(`${m.aggregation_type} names no field_name`);
      continue;
    }
    const code = toCode(m.code);
    meterCodes.set(m.code, code);
    // Lago's metric filters are pricing dimensions for charges, not a restriction of what counts.
    bundle.meters.push({
      sourceId: m.lago_id,
      name: m.name,
      code,
      eventName: m.code,
      aggregation,
      property,
      filters: {},
    });
  }

  const planIntervals = new Map<string, PlanInterval>();
  for (const p of data.plans) {
    const interval = INTERVALS[p.interval];
    if (!interval) {
      skipped.push({
        kind: "plan",
        sourceId: p.lago_id,
        name: p.name,
        reason: `billed ${p.interval}: Tally plans are monthly or yearly`,
      });
      continue;
    }
    const currency = p.amount_currency.toLowerCase();
    const problems: string[] = [];
    const notes: string[] = [];
    const charges: Charge[] = [];
    for (const c of p.charges ?? []) {
      const made = charge(c, meterCodes.get(c.billable_metric_code));
      if (typeof made === "string") {
        problems.push(made);
        continue;
      }
      charges.push(made);
      if (c.pay_in_advance) notes.push(`charge ${c.billable_metric_code} is billed in arrears in Tally`);
      if (c.min_amount_cents) notes.push(`charge ${c.billable_metric_code}: its minimum is left out`);
    }
    if (problems.length) {
      skipped.push({ kind: "plan", sourceId: p.lago_id, name: p.name, reason: problems.join("; ") });
      continue;
    }
    if (p.pay_in_advance === false && p.amount_cents > 0)
      notes.push("the fee is billed at each period's start in Tally (at its end in Lago)");
    planIntervals.set(p.code, interval);
    bundle.plans.push({
      sourceId: p.lago_id,
      importId: `lago:${p.code}`,
      name: p.name,
      description: p.description ?? "",
      currency,
      interval,
      base_price: minorToDecimal(p.amount_cents, currency),
      trial_days: Math.floor(p.trial_period ?? 0),
      charges,
      notes,
    });
  }

  const customerIds = new Map<string, string>();
  for (const c of data.customers) {
    customerIds.set(c.external_id, c.lago_id);
    const person = [c.firstname, c.lastname].filter(Boolean).join(" ");
    bundle.customers.push({
      sourceId: c.lago_id,
      name: c.name || person || c.external_id,
      email: c.email || null,
      externalId: c.external_id,
    });
  }

  for (const s of data.subscriptions) {
    const name = s.name || s.external_id;
    const skip = (reason: string) => skipped.push({ kind: "subscription", sourceId: s.lago_id, name, reason });
    const customer = customerIds.get(s.external_customer_id);
    if (!customer) {
      skip(`its customer ${s.external_customer_id} is not in the customers list`);
      continue;
    }
    const live = s.status === "active";
    const start = s.current_billing_period_started_at ? new Date(s.current_billing_period_started_at) : null;
    const end = s.current_billing_period_ending_at ? periodEnd(s.current_billing_period_ending_at) : null;
    if (live && (!start || !end || Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) || end <= start)) {
      skip("its current billing period is missing or not a valid range");
      continue;
    }
    bundle.subscriptions.push({
      sourceId: s.lago_id,
      name,
      customerSourceId: customer,
      planImportId: `lago:${s.plan_code}`,
      interval: planIntervals.get(s.plan_code) ?? null,
      state: live ? "live" : "ended",
      sourceStatus: s.status,
      currentPeriodStart: start ?? new Date(0),
      currentPeriodEnd: end ?? new Date(0),
      cancelAtPeriodEnd: false,
      externalId: s.external_id,
    });
  }

  const now = Date.now();
  for (const w of data.wallets) {
    const name = w.name || w.lago_id;
    const skip = (reason: string) => skipped.push({ kind: "wallet", sourceId: w.lago_id, name, reason });
    const customer = customerIds.get(w.external_customer_id);
    if (!customer) {
      skip(`its customer ${w.external_customer_id} is not in the customers list`);
      continue;
    }
    if (w.status !== "active") {
      skip(`${w.status} at Lago`);
      continue;
    }
    const balance = wholeCredits(w.credits_balance);
    if ("skip" in balance) {
      skip(balance.skip);
      continue;
    }
    const expiresAt = w.expiration_at ? new Date(w.expiration_at) : null;
    if (expiresAt && expiresAt.getTime() <= now) {
      skip("expired at Lago");
      continue;
    }
    bundle.wallets.push({
      sourceId: w.lago_id,
      name,
      customerSourceId: customer,
      credits: balance.credits,
      expiresAt,
    });
  }
  return bundle;
}
