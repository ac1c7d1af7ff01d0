// What a subscription period's invoice holds beyond the plan fee, on every rail: usage rated with
// the plan in force when it happened (a plan change splits the period), credit overage at the price
// it was recorded at, the usage part of finalized agent calls per agent plan and metric, and each
// agent plan's fixed charges once per agent per period. Pure: the caller loads the inputs
// (period-input.ts); the local invoice, Stripe's invoice items and the upcoming invoice all take
// their lines from here, so the same usage is the same line, with the same id, everywhere.
//
// Each line is rounded half-up once (lib/money roundToMinor) from its exact amount. A line's id is
// `<subscription>:<period start>:<kind>:<key>`: whoever adds it (an invoice, a Stripe invoice item)
// keys on it, so it is added once.
import { formatQuantity } from "@/lib/format";
import { D, dec, minorToDecimal, roundToMinor, type Dec } from "@/lib/money";
import { prorateIncluded } from "./included-proration";
import { ratePlan, type Charge, type FixedCharge, type Quantity, type UsageCharge } from "@/lib/rating";

/**
 * late_usage: an earlier period's usage received after its lines were billed (late-usage.ts);
 * addon: an add-on's prorated change or one-time price (lib/addons).
 */
export type PeriodLineKind = "usage" | "overage" | "call_usage" | "agent_fixed" | "late_usage" | "addon";

export type PeriodLine = {
  id: string;
  kind: PeriodLineKind;
  key: string;
  description: string;
  /** Billable quantity (after included units), as a decimal string. */
  quantity: string;
  /** The exact unit price (amount ÷ quantity), for showing; null when the quantity is zero. */
  unitAmount: string | null;
  /** The exact amount before the one rounding step. */
  exactAmount: string;
  amountCents: number;
  currency: string;
  meter: string | null;
  planId: string | null;
  agentId: string | null;
  periodStart: Date;
  periodEnd: Date;
};

export type PlanRef = { id: string; name: string; currency: string; charges: Charge[] };

/**
 * A stretch of the period under one plan, with its metered usage (calls' own usage already taken
 * out) and, per meter linked to a credit event, the part of that usage drawn from credits: the
 * events ingested while a link was active (lib/credits/drawdown-events.ts, drawnQuantitySql).
 */
export type PlanSegment = {
  start: Date;
  end: Date;
  plan: PlanRef;
  usage: Record<string, Quantity>;
  drawn?: Record<string, Quantity>;
};

/** The usage part of one finalized call: exact amount per metric (meter code), priced by the plan the call started under. */
export type CallUsage = {
  callId: string;
  agentId: string;
  planId: string;
  planName: string;
  currency: string;
  amounts: Record<string, string>;
  quantities: Record<string, string>;
};

/** An agent that held `plan` for some of the period. */
export type AgentPlanHeld = { agentId: string; agentName: string; plan: PlanRef };

/** An add-on's charge (or credit, negative) waiting for the period's invoice, already rounded (lib/addons). */
export type AddonChargeIn = {
  id: string;
  description: string;
  quantity: number;
  amountCents: number;
  currency: string;
  at: Date;
};

/** Overage credits spent in the period at one recorded price per credit (newest first). */
export type OverageSpend = { credits: number; unitPrice: string; currency: string };

export type PeriodInput = {
  subscriptionId: string;
  period: { start: Date; end: Date };
  currency: string;
  segments: PlanSegment[];
  calls: CallUsage[];
  agentPlans: AgentPlanHeld[];
  overage: OverageSpend[];
  /**
   * Overage credits still owed when the period is billed. Credits granted meanwhile repay overage
   * (lib/credits), so overage already repaid is not billed again: the newest spends are billed,
   * up to this many credits. Absent: all of the period's overage.
   */
  overageOutstanding?: number;
  /** Meter code → unit, for descriptions. */
  meterUnits?: Record<string, string | null | undefined>;
  addonCharges?: AddonChargeIn[];
};

export const periodKey = (period: { start: Date }) => period.start.toISOString();
export const lineId = (subscriptionId: string, period: { start: Date }, kind: PeriodLineKind, key: string) =>
  `${subscriptionId}:${periodKey(period)}:${kind}:${key}`;

const quantityText = (q: string, unit?: string | null) => formatQuantity(dec(q).toFixed(), unit ?? undefined);

function line(
  input: PeriodInput,
  kind: PeriodLineKind,
  key: string,
  fields: {
    description: string;
    quantity: string;
    exact: Dec;
    meter?: string | null;
    planId?: string | null;
    agentId?: string | null;
    start?: Date;
    end?: Date;
  },
): PeriodLine {
  const q = dec(fields.quantity);
  return {
    id: lineId(input.subscriptionId, input.period, kind, key),
    kind,
    key,
    description: fields.description,
    quantity: q.toFixed(),
    unitAmount: q.isZero() ? null : fields.exact.div(q).toDecimalPlaces(10).toFixed(),
    exactAmount: fields.exact.toFixed(),
    amountCents: roundToMinor(fields.exact, input.currency),
    currency: input.currency,
    meter: fields.meter ?? null,
    planId: fields.planId ?? null,
    agentId: fields.agentId ?? null,
    periodStart: fields.start ?? input.period.start,
    periodEnd: fields.end ?? input.period.end,
  };
}

/** Usage less what was drawn from credits, never below zero (per group value for a group charge's meter). */
function lessDrawn(q: Quantity | undefined, drawn: Quantity | undefined): Quantity | undefined {
  if (q === undefined || drawn === undefined) return q;
  const minus = (a: string, b: string | undefined) => D.max(0, dec(a).minus(D.max(0, dec(b ?? "0")))).toFixed();
  if (typeof q === "string") return minus(q, typeof drawn === "string" ? drawn : drawnTotal(drawn));
  const d = typeof drawn === "string" ? { groups: {} } : drawn;
  return { groups: Object.fromEntries(Object.entries(q.groups).map(([g, v]) => [g, minus(v, d.groups[g])])) };
}

const drawnTotal = (q: Quantity): string =>
  typeof q === "string"
    ? q
    : Object.values(q.groups)
        .reduce((s, v) => s.plus(v), new D(0))
        .toFixed();

const usageOnly = (charges: Charge[]) => charges.filter((c): c is UsageCharge => c.type === "usage");
const fixedOnly = (charges: Charge[]) => charges.filter((c): c is FixedCharge => c.type === "fixed");

export function periodLines(input: PeriodInput): PeriodLine[] {
  const out: PeriodLine[] = [];
  const split = input.segments.length > 1;

  // Metered usage, rated per plan segment. A plan that returns later in the period is a separate
  // segment with its own key (its start), so each stretch is billed once.
  for (const seg of input.segments) {
    if (seg.plan.currency !== input.currency) continue;
    // Split: each plan's included units are prorated by its segment's share of the period.
    const charges = usageOnly(seg.plan.charges);
    const priced = split ? prorateIncluded(charges, seg, input.period) : charges;
    // Usage drawn from credits is not billed in arrears as well — unless the charge says "both"
    // (then it is billed at the plan's price too, on top of the credits).
    const drawn = seg.drawn ?? {};
    const inArrears = priced.filter((c) => c.usage_billing !== "both" && drawn[c.meter] !== undefined);
    const net = Object.fromEntries(
      Object.entries(seg.usage).map(([m, q]) => [m, m in drawn ? lessDrawn(q, drawn[m])! : q]),
    );
    // Rated charge by charge when some meters are netted (a charge's line depends only on its meter's quantity).
    const ratedLines = inArrears.length
      ? priced.flatMap(
          (c) => ratePlan([c], inArrears.includes(c) ? net : seg.usage, input.currency, { explain: false }).lines,
        )
      : ratePlan(priced, seg.usage, input.currency, { explain: false }).lines;
    for (const l of ratedLines) {
      if (l.type !== "usage" || !l.meter) continue;
      const exact = dec(l.amount);
      if (exact.isZero() && dec(l.billable_quantity).isZero()) continue;
      const key = `${seg.plan.id}:${l.meter}${split ? `:${seg.start.toISOString()}` : ""}`;
      const unit = input.meterUnits?.[l.meter];
      const billable = l.billable_quantity !== l.quantity ? ` (${quantityText(l.billable_quantity)} billable)` : "";
      const fromCredits = inArrears.some((c) => c.meter === l.meter) ? drawnTotal(drawn[l.meter]!) : "0";
      const credited = dec(fromCredits).gt(0) ? `; ${quantityText(fromCredits, unit)} more drawn from credits` : "";
      // Usage the plan has no price for (a group value missing from the table) is named on the line, never silently free.
      const unpriced = l.unpriced?.length
        ? `; not priced: ${l.unpriced.map((u) => `${quantityText(u.quantity)} (${u.reason})`).join(", ")}`
        : "";
      out.push(
        line(input, "usage", key, {
          description: `${l.name}: ${quantityText(l.quantity, unit)}${billable}${split ? ` on ${seg.plan.name}` : ""}${credited}${unpriced}`,
          quantity: l.billable_quantity,
          exact,
          meter: l.meter,
          planId: seg.plan.id,
          start: seg.start,
          end: seg.end,
        }),
      );
    }
  }

  // Agent calls: the usage part, summed exactly per agent plan and metric, rounded once.
  const calls = new Map<
    string,
    { planId: string; planName: string; meter: string; exact: Dec; quantity: Dec; count: number }
  >();
  for (const c of input.calls) {
    if (c.currency !== input.currency) continue;
    for (const [meter, amount] of Object.entries(c.amounts)) {
      const k = `${c.planId}:${meter}`;
      const acc = calls.get(k) ?? {
        planId: c.planId,
        planName: c.planName,
        meter,
        exact: new D(0),
        quantity: new D(0),
        count: 0,
      };
      acc.exact = acc.exact.plus(amount);
      acc.quantity = acc.quantity.plus(c.quantities[meter] ?? "0");
      acc.count++;
      calls.set(k, acc);
    }
  }
  for (const [k, c] of [...calls].sort(([a], [b]) => a.localeCompare(b))) {
    const unit = input.meterUnits?.[c.meter];
    out.push(
      line(input, "call_usage", k, {
        description: `Agent calls on ${c.planName}: ${c.meter} ${quantityText(c.quantity.toFixed(), unit)} over ${c.count} call${c.count === 1 ? "" : "s"}`,
        quantity: c.quantity.toFixed(),
        exact: c.exact,
        meter: c.meter,
        planId: c.planId,
      }),
    );
  }

  // An agent plan's fixed charges: once per agent and plan held in the period, calls or not.
  const seen = new Set<string>();
  for (const a of input.agentPlans) {
    if (a.plan.currency !== input.currency) continue;
    const k = `${a.agentId}:${a.plan.id}`;
    if (seen.has(k)) continue;
    seen.add(k);
    const fixed = fixedOnly(a.plan.charges);
    if (fixed.length === 0) continue;
    const exact = fixed.reduce((s, f) => s.plus(f.amount), new D(0));
    out.push(
      line(input, "agent_fixed", k, {
        description: `${a.agentName} on ${a.plan.name}: ${fixed.map((f) => f.name).join(", ")}`,
        quantity: "1",
        exact,
        planId: a.plan.id,
        agentId: a.agentId,
      }),
    );
  }

  // Credit overage still owed, per recorded price.
  const overage = new Map<string, number>();
  let owed = input.overageOutstanding ?? Number.MAX_SAFE_INTEGER;
  for (const o of input.overage) {
    if (o.currency !== input.currency || o.credits <= 0 || owed <= 0) continue;
    const credits = Math.min(o.credits, owed);
    owed -= credits;
    overage.set(o.unitPrice, (overage.get(o.unitPrice) ?? 0) + credits);
  }
  for (const [price, credits] of [...overage].sort(([a], [b]) => dec(a).cmp(dec(b)))) {
    const p = dec(price);
    out.push(
      line(input, "overage", p.toFixed(), {
        description: `Credit overage: ${formatQuantity(credits, "credit")} at ${p.toFixed()} ${input.currency.toUpperCase()} each`,
        quantity: String(credits),
        exact: p.mul(credits),
      }),
    );
  }

  // Add-on charges were rounded once when they were made: their exact amount is the rounded one.
  for (const c of input.addonCharges ?? []) {
    if (c.currency !== input.currency) continue;
    out.push(
      line(input, "addon", c.id, {
        description: c.description,
        quantity: String(c.quantity),
        exact: dec(minorToDecimal(c.amountCents, c.currency)),
        start: c.at,
        end: input.period.end,
      }),
    );
  }
  return out;
}

/**
 * The period as it will look at its end if usage goes on at the pace so far: the running plan's
 * quantities (and the period's calls and overage) scaled by period length ÷ time elapsed, then rated
 * by periodLines, so tiers and included units apply to the projected totals. The pace is measured
 * over at least a day (so a period's first minutes do not project absurd totals). Segments that ended
 * are complete and stay as they are; agent plans' fixed charges do not scale.
 */
const MIN_PACE_MS = 86_400_000;

export function projectToPeriodEnd(input: PeriodInput, now: Date): PeriodInput {
  const last = input.segments.at(-1);
  const end = input.period.end.getTime();
  if (now.getTime() >= end) return input;
  // The pace is measured over at least a day: usage sent in a period's first minutes says little
  // about the month, and extrapolating it from seconds would project absurd totals.
  const factorFor = (start: Date) => {
    const elapsed = Math.max(now.getTime() - start.getTime(), MIN_PACE_MS);
    return D.max(1, new D(end - start.getTime()).div(elapsed));
  };
  const scaleQ = (q: Quantity, f: Dec): Quantity =>
    typeof q === "string"
      ? dec(q).mul(f).toDecimalPlaces(6).toFixed()
      : {
          groups: Object.fromEntries(
            Object.entries(q.groups).map(([g, v]) => [g, dec(v).mul(f).toDecimalPlaces(6).toFixed()]),
          ),
        };
  const periodFactor = factorFor(input.period.start);
  return {
    ...input,
    segments: input.segments.map((s) =>
      s === last
        ? {
            ...s,
            usage: Object.fromEntries(Object.entries(s.usage).map(([m, q]) => [m, scaleQ(q, factorFor(s.start))])),
            // The share drawn from credits goes on at the same pace.
            ...(s.drawn && {
              drawn: Object.fromEntries(Object.entries(s.drawn).map(([m, q]) => [m, scaleQ(q, factorFor(s.start))])),
            }),
          }
        : s,
    ),
    calls: input.calls.map((c) => ({
      ...c,
      amounts: Object.fromEntries(Object.entries(c.amounts).map(([m, a]) => [m, dec(a).mul(periodFactor).toFixed()])),
      quantities: Object.fromEntries(
        Object.entries(c.quantities).map(([m, q]) => [m, dec(q).mul(periodFactor).toDecimalPlaces(6).toFixed()]),
      ),
    })),
    overage: input.overage.map((o) => ({ ...o, credits: Math.round(periodFactor.mul(o.credits).toNumber()) })),
  };
}

export const totalCents = (lines: Pick<PeriodLine, "amountCents">[]) => lines.reduce((s, l) => s + l.amountCents, 0);
