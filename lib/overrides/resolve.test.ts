import { describe, expect, it } from "vitest";
import { ratePlan, type Charge, type Quantity } from "@/lib/rating";
import { CUSTOM_PRICE_MARK, usageChargesAt } from "./billing";
import { resolveTerms, type OverrideRow, type PlanTerms, type TermsLayer } from "./resolve";
import { ZOverrideCreate } from "./schemas";

const T0 = new Date("2026-11-01T00:00:00Z");
const END = new Date("2026-12-01T00:00:00Z");
const day = (n: number) => new Date(T0.getTime() + n * 86_400_000);

let seq = 0;
function override(
  kind: OverrideRow["kind"],
  target: string,
  value: Record<string, unknown>,
  o: Partial<OverrideRow> = {},
): OverrideRow {
  seq++;
  return {
    id: `ovr_${String(seq).padStart(4, "0")}`,
    kind,
    target,
    value,
    startsAt: T0,
    endsAt: null,
    revokedAt: null,
    createdAt: new Date(T0.getTime() + seq),
    ...o,
  };
}

const planCharges: Charge[] = [
  { type: "usage", meter: "calls", name: "API calls", model: "per_unit", unit_price: "0.10", included_quantity: "100" },
  { type: "usage", meter: "storage", model: "per_unit", unit_price: "1" },
];

/** The parsed value an operator's request gives, through the request schema (so the table exercises it too). */
const price = (value: Record<string, unknown>) => {
  const r = ZOverrideCreate.parse({ kind: "charge_price", target: "calls", value, reason: "test" });
  return r.value as Record<string, unknown>;
};

const rated = (charges: Charge[], usage: Record<string, Quantity>) => ratePlan(charges, usage, "usd");

describe("a custom price rates the customer's usage, on every price model", () => {
  // 1,250 calls; the plan: 100 included, then 0.10 a call = 115.00.
  const cases: { name: string; value: Record<string, unknown>; usage: Quantity; want: string }[] = [
    { name: "per_unit", value: { model: "per_unit", unit_price: "0.02" }, usage: "1250", want: "25" },
    {
      name: "per_unit with its own included units",
      value: { model: "per_unit", unit_price: "0.02", included_quantity: "1000" },
      usage: "1250",
      want: "5",
    },
    {
      name: "package (every started package in full)",
      value: { model: "package", package_size: 500, package_price: "3" },
      usage: "1250",
      want: "9",
    },
    {
      name: "graduated",
      value: {
        model: "graduated",
        tiers: [
          { up_to: 1000, unit_price: "0.01" },
          { up_to: null, unit_price: "0.005", flat_amount: "2" },
        ],
      },
      usage: "1250",
      want: "13.25",
    },
    {
      name: "volume",
      value: {
        model: "volume",
        tiers: [
          { up_to: 1000, unit_price: "0.01" },
          { up_to: null, unit_price: "0.004" },
        ],
      },
      usage: "1250",
      want: "5",
    },
    {
      name: "group (per model)",
      value: { model: "group", group_by: "model", prices: { a: "0.01", b: "0.03" } },
      usage: { groups: { a: "1000", b: "250" } },
      want: "17.5",
    },
  ];
  it.each(cases)("$name", ({ value, usage, want }) => {
    const before = rated(planCharges, { calls: "1250" });
    expect(before.lines[0]!.amount).toBe("115");
    const charges = usageChargesAt(planCharges, [override("charge_price", "calls", price(value))], END);
    const line = rated(charges, { calls: usage }).lines[0]!;
    expect(line.amount).toBe(want);
    // The line says it is a custom price; the plan's other charge is untouched.
    expect(line.name).toBe(`API calls${CUSTOM_PRICE_MARK}`);
    expect(charges[1]).toBe(planCharges[1]);
  });

  it("keeps the plan's charges (the same array) when no price override is in force", () => {
    expect(usageChargesAt(planCharges, [], END)).toBe(planCharges);
    const feature = override("feature", "sso", { value: true });
    expect(usageChargesAt(planCharges, [feature], END)).toBe(planCharges);
  });

  it("applies the price in force at the period's last instant to the whole period; one that ended or was revoked before it does not apply", () => {
    const cheap = { model: "per_unit", unit_price: "0.02" };
    const at = (o: Partial<OverrideRow>) =>
      rated(usageChargesAt(planCharges, [override("charge_price", "calls", price(cheap), o)], END), { calls: "1250" })
        .lines[0]!.amount;
    expect(at({ startsAt: day(20) })).toBe("25"); // started mid-period: the whole period at the custom price
    expect(at({ endsAt: day(20) })).toBe("115"); // ended before the period's end
    expect(at({ revokedAt: day(20) })).toBe("115"); // revoked before it
    expect(at({ startsAt: END })).toBe("115"); // starts with the next period
    // "For November": ending exactly at the period's end, it is in force at the period's last instant.
    expect(at({ endsAt: END })).toBe("25");
    expect(at({ endsAt: new Date(END.getTime() - 1) })).toBe("115");
  });

  it("the newest override of a charge wins where two are in force", () => {
    const a = override("charge_price", "calls", price({ model: "per_unit", unit_price: "0.02" }));
    const b = override("charge_price", "calls", price({ model: "per_unit", unit_price: "0.04" }));
    for (const list of [
      [a, b],
      [b, a],
    ])
      expect(rated(usageChargesAt(planCharges, list, END), { calls: "1250" }).lines[0]!.amount).toBe("50");
  });

  it("prices a meter the plan does not charge by adding the charge", () => {
    const charges = usageChargesAt(
      planCharges,
      [override("charge_price", "tokens", { model: "per_unit", unit_price: "0.5" })],
      END,
    );
    expect(charges).toHaveLength(3);
    expect(rated(charges, { tokens: "4" }).lines[2]).toMatchObject({
      meter: "tokens",
      amount: "2",
      name: `tokens${CUSTOM_PRICE_MARK}`,
    });
  });
});

describe("the request schema checks a price as a plan's charge, naming the field", () => {
  const issues = (value: unknown) => {
    const r = ZOverrideCreate.safeParse({ kind: "charge_price", target: "calls", value, reason: "x" });
    return r.success ? [] : r.error.issues.map((i) => i.path.join("."));
  };
  it.each([
    [{ model: "per_unit", unit_price: "-1" }, "value.unit_price"],
    [{ model: "per_unit", unit_price: "1e5x" }, "value.unit_price"],
    [{ model: "graduated", tiers: [{ up_to: 10, unit_price: "1" }] }, "value.tiers.0.up_to"],
    [{ model: "package", package_size: 0, package_price: "1" }, "value.package_size"],
    [{ model: "teleport" }, "value.model"],
  ])("%j → %s", (value, field) => expect(issues(value)).toContain(field));
  it("refuses an override without a reason", () => {
    const r = ZOverrideCreate.safeParse({ kind: "trial_days", value: { days: 30 }, reason: " " });
    expect(r.success ? [] : r.error.issues.map((i) => i.path.join("."))).toEqual(["reason"]);
  });
});

describe("resolveTerms: override beats add-on beats plan", () => {
  const plan: PlanTerms = {
    charges: planCharges,
    features: [
      { feature: "seats", value: 5 },
      { feature: "sso", value: true },
    ],
    limits: [{ meter: "calls", limit: 1000, enforcement: "hard" }],
    includedCredits: 100,
    trialDays: 14,
  };
  const addOn: TermsLayer = (t) => ({
    ...t,
    features: t.features.map((f) => (f.feature === "seats" ? { ...f, value: 10 } : f)),
    limits: t.limits.map((l) => (l.meter === "calls" ? { ...l, limit: 5000 } : l)),
    sources: { ...t.sources, "feature:seats": "add_on", "feature:calls": "add_on" },
  });
  const now = day(3);

  it("the plan alone", () => {
    const t = resolveTerms(plan, [], now);
    expect(t).toMatchObject({
      features: plan.features,
      limits: plan.limits,
      includedCredits: 100,
      trialDays: 14,
      sources: {},
    });
  });

  it("an add-on beats the plan; an override beats the add-on, even with a smaller value", () => {
    expect(resolveTerms(plan, [], now, { addOns: addOn }).features).toContainEqual({ feature: "seats", value: 10 });
    const t = resolveTerms(plan, [override("feature", "seats", { value: 2 })], now, { addOns: addOn });
    expect(t.features).toContainEqual({ feature: "seats", value: 2 });
    expect(t.features).not.toContainEqual({ feature: "seats", value: 10 });
    expect(t.sources["feature:seats"]).toBe("override");
    // The add-on's limit stands where no override touches it.
    expect(t.limits).toEqual([{ meter: "calls", limit: 5000, enforcement: "hard" }]);
    expect(t.sources["feature:calls"]).toBe("add_on");
  });

  it("an override can take a feature away, lift a limit (null: unlimited) or set one", () => {
    const t = resolveTerms(
      plan,
      [
        override("feature", "sso", { value: false }),
        override("feature", "calls", { limit: null, enforcement: "hard" }),
      ],
      now,
    );
    expect(t.features).toContainEqual({ feature: "sso", value: false });
    expect(t.limits).toEqual([]);
    const soft = resolveTerms(plan, [override("feature", "calls", { limit: 20, enforcement: "soft" })], now);
    expect(soft.limits).toEqual([{ meter: "calls", limit: 20, enforcement: "soft" }]);
  });

  it("included credits and trial days; an override out of its span does not apply", () => {
    const credits = override("included_credits", "", { credits: 2500 }, { startsAt: day(1), endsAt: day(5) });
    const trial = override("trial_days", "", { days: 60 }, { revokedAt: day(2) });
    expect(resolveTerms(plan, [credits, trial], day(1))).toMatchObject({ includedCredits: 2500, trialDays: 60 });
    expect(resolveTerms(plan, [credits, trial], day(0))).toMatchObject({ includedCredits: 100, trialDays: 60 });
    expect(resolveTerms(plan, [credits, trial], day(2))).toMatchObject({ includedCredits: 2500, trialDays: 14 });
    expect(resolveTerms(plan, [credits, trial], day(5))).toMatchObject({ includedCredits: 100, trialDays: 14 });
  });
});
