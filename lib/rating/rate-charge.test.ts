import { describe, expect, test } from "vitest";
import { D } from "@/lib/money";
import { rateCharge } from "./rate-charge";
import { RatingInputError } from "./rating-error";
import type { Charge, Quantity, RatedLine, Tier, UsageCharge } from "./types";

/** Table-driven tests with readable names (test.each's $name quotes and truncates them). */
function cases<T>(rows: T[], title: (row: T) => string, fn: (row: T) => void) {
  for (const row of rows) test(title(row), () => fn(row));
}
const show = (q: Quantity | undefined) =>
  q === undefined ? "no usage" : typeof q === "string" ? JSON.stringify(q) : JSON.stringify(q.groups);

type Row = { name: string; quantity: Quantity | undefined; amount: string; billable?: string; quantityOut?: string };

const perUnit = (unit_price: string, extra: Partial<UsageCharge> = {}): Charge =>
  ({ type: "usage", meter: "m", model: "per_unit", unit_price, ...extra }) as Charge;
const pkg = (extra: Partial<UsageCharge> = {}): Charge =>
  ({ type: "usage", meter: "m", model: "package", package_size: 1000, package_price: "2", ...extra }) as Charge;
const graduated = (tiers: Tier[], extra: Partial<UsageCharge> = {}): Charge =>
  ({ type: "usage", meter: "m", model: "graduated", tiers, ...extra }) as Charge;
const volume = (tiers: Tier[], extra: Partial<UsageCharge> = {}): Charge =>
  ({ type: "usage", meter: "m", model: "volume", tiers, ...extra }) as Charge;

/**
 * What every rated line must satisfy whatever the model: the parts add up to the amount exactly,
 * each part's quantity × unit_price is its amount, and rating without explanation gives the same
 * line with no parts.
 */
function expectConsistent(charge: Charge, quantity: Quantity | undefined, line: RatedLine) {
  let sum = new D(0);
  for (const part of line.parts) {
    sum = sum.plus(part.amount);
    if (part.unit_price !== undefined)
      expect(new D(part.quantity).times(part.unit_price).eq(part.amount), JSON.stringify(part)).toBe(true);
  }
  expect(sum.eq(line.amount), "parts add up to the amount").toBe(true);
  expect(line.amount).not.toMatch(/e/i);
  expect(rateCharge(charge, quantity, { explain: false })).toEqual({ ...line, parts: [] });
}

function check(charge: Charge, row: Row) {
  const line = rateCharge(charge, row.quantity);
  expect(line.amount).toBe(row.amount);
  if (row.billable !== undefined) expect(line.billable_quantity).toBe(row.billable);
  if (row.quantityOut !== undefined) expect(line.quantity).toBe(row.quantityOut);
  expectConsistent(charge, row.quantity, line);
  return line;
}

describe("per_unit: quantity × unit_price, exact", () => {
  cases<Row>(
    [
      { name: "no usage entry rates as zero", quantity: undefined, amount: "0", quantityOut: "0" },
      { name: "zero quantity costs nothing", quantity: "0", amount: "0" },
      { name: "whole quantity", quantity: "10", amount: "0.5" },
      { name: "fractional quantity is not rounded", quantity: "5.5", amount: "0.275" },
      { name: "non-canonical quantity text is normalised", quantity: "05.50", amount: "0.275", quantityOut: "5.5" },
      { name: "negative zero is zero", quantity: "-0", amount: "0", quantityOut: "0" },
    ],
    (r) => `${r.name} (${show(r.quantity)} → ${r.amount})`,
    (row) => {
      check(perUnit("0.05"), row);
    },
  );

  cases(
    [
      { name: "a trillion units at a ten-millionth", quantity: "1000000000000", rate: "0.0000001", amount: "100000" },
      {
        name: "a huge fractional quantity keeps its last digit",
        quantity: "1000000000000.5",
        rate: "0.0000001",
        amount: "100000.00000005",
      },
      {
        name: "15-digit quantity at a tiny rate",
        quantity: "123456789012345",
        rate: "0.0000001",
        amount: "12345678.9012345",
      },
      {
        name: "tiny amounts stay in plain notation",
        quantity: "1",
        rate: "0.0000000000000000001",
        amount: "0.0000000000000000001",
      },
      {
        name: "large amounts stay in plain notation",
        quantity: "1000000000000000000000000",
        rate: "3",
        amount: "3000000000000000000000000",
      },
    ],
    (r) => `${r.name}: ${r.quantity} × ${r.rate} = ${r.amount}`,
    ({ quantity, rate, amount }) => {
      check(perUnit(rate), { name: "", quantity, amount });
    },
  );

  cases<Row>(
    [
      {
        name: "included quantity larger than usage leaves nothing to bill",
        quantity: "40",
        amount: "0",
        billable: "0",
        quantityOut: "40",
      },
      { name: "included quantity equal to usage leaves nothing to bill", quantity: "100", amount: "0", billable: "0" },
      { name: "usage above the included quantity is billed", quantity: "150", amount: "2.5", billable: "50" },
      { name: "fractional usage above the included quantity", quantity: "100.5", amount: "0.025", billable: "0.5" },
    ],
    (r) => r.name,
    (row) => {
      const line = check(perUnit("0.05", { included_quantity: "100" }), row);
      expect(line.parts[0]).toMatchObject({ description: "Included units", amount: "0" });
    },
  );

  test("a group breakdown handed to a non-group charge is summed", () => {
    const line = rateCharge(perUnit("0.05"), { groups: { a: "2", b: "3.5" } });
    expect(line).toMatchObject({ quantity: "5.5", amount: "0.275" });
  });

  test("the line names the charge, or the meter when the charge has no name", () => {
    expect(rateCharge(perUnit("1", { name: "Voice minutes" }), "1")).toMatchObject({
      type: "usage",
      name: "Voice minutes",
      meter: "m",
    });
    expect(rateCharge(perUnit("1"), "1")).toMatchObject({ name: "m", meter: "m" });
  });
});

describe("package: every started package is charged in full", () => {
  cases<Row & { packages?: string }>(
    [
      { name: "zero units are zero packages", quantity: "0", amount: "0" },
      { name: "one unit starts a package", quantity: "1", amount: "2", packages: "1" },
      { name: "exactly one package", quantity: "1000", amount: "2", packages: "1" },
      { name: "one unit past a package starts another (1,001 → 2)", quantity: "1001", amount: "4", packages: "2" },
      { name: "a fractional quantity rounds up", quantity: "0.5", amount: "2", packages: "1" },
      { name: "a fraction past a package starts another", quantity: "1000.0001", amount: "4", packages: "2" },
      { name: "a trillion units", quantity: "1000000000000", amount: "2000000000", packages: "1000000000" },
      {
        name: "beyond safe integers (exact decimal path)",
        quantity: "1000000000000000001",
        amount: "2000000000000002",
        packages: "1000000000000001",
      },
      {
        name: "just below 10^15 (fast path boundary)",
        quantity: "999999999999999",
        amount: "2000000000000",
        packages: "1000000000000",
      },
    ],
    (r) => `${r.name} (${show(r.quantity)} → ${r.amount})`,
    (row) => {
      const line = check(pkg(), row);
      if (row.packages) expect(line.parts.at(-1)).toMatchObject({ quantity: row.packages, unit_price: "2" });
      else expect(line.parts).toEqual([]);
    },
  );

  cases<Row>(
    [
      { name: "included quantity larger than usage bills no package", quantity: "300", amount: "0", billable: "0" },
      { name: "included quantity comes off before packaging", quantity: "1500", amount: "2", billable: "1000" },
      { name: "one unit past included + a package starts a second", quantity: "1501", amount: "4", billable: "1001" },
    ],
    (r) => r.name,
    (row) => {
      check(pkg({ included_quantity: "500" }), row);
    },
  );

  test("the part describes the packages", () => {
    expect(rateCharge(pkg(), "1001").parts).toEqual([
      { description: "2 packages of 1,000 units", quantity: "2", unit_price: "2", amount: "4" },
    ]);
  });
});

describe("graduated: each unit at the price of the tier it falls in", () => {
  const spec: Tier[] = [
    { up_to: 1000, unit_price: "0" },
    { up_to: 10000, unit_price: "0.01" },
    { up_to: null, unit_price: "0.005" },
  ];

  test("product spec example: 12,000 units → 9,000 × 0.01 + 2,000 × 0.005 = 100", () => {
    const line = check(graduated(spec), { name: "", quantity: "12000", amount: "100" });
    expect(line.parts).toEqual([
      { description: "Tier 1: 1–1,000", quantity: "1000", unit_price: "0", amount: "0" },
      { description: "Tier 2: 1,001–10,000", quantity: "9000", unit_price: "0.01", amount: "90" },
      { description: "Tier 3: 10,001 and above", quantity: "2000", unit_price: "0.005", amount: "10" },
    ]);
  });

  cases<Row>(
    [
      { name: "zero enters no tier", quantity: "0", amount: "0" },
      { name: "exactly at the first up_to stays in the first tier", quantity: "1000", amount: "0" },
      { name: "one past the first up_to is priced by the second tier", quantity: "1001", amount: "0.01" },
      { name: "a fraction past up_to is priced by the next tier", quantity: "1000.5", amount: "0.005" },
      { name: "exactly at the second up_to", quantity: "10000", amount: "90" },
      { name: "one past the second up_to enters the last tier", quantity: "10001", amount: "90.005" },
      { name: "a trillion units", quantity: "1000000000000", amount: "5000000040" },
      { name: "included quantity larger than usage", quantity: "20000", amount: "0" },
    ],
    (r) => `${r.name} (${show(r.quantity)} → ${r.amount})`,
    (row) => {
      const charge = row.name.startsWith("included")
        ? graduated(spec, { included_quantity: "50000" })
        : graduated(spec);
      check(charge, row);
    },
  );

  test("zero usage has no parts", () => {
    expect(rateCharge(graduated(spec), "0").parts).toEqual([]);
  });

  test("included quantity is taken off before tiering: the first free units are the included ones", () => {
    // 12,000 − 2,000 included = 10,000 billable → tiers 1 and 2 only.
    check(graduated(spec, { included_quantity: "2000" }), {
      name: "",
      quantity: "12000",
      amount: "90",
      billable: "10000",
    });
  });

  const withFlat: Tier[] = [
    { up_to: 100, unit_price: "1", flat_amount: "10" },
    { up_to: null, unit_price: "0.5", flat_amount: "20" },
  ];
  cases<Row>(
    [
      { name: "no usage: no flat amount (no tier entered)", quantity: "0", amount: "0" },
      { name: "one unit enters the first tier and adds its flat amount once", quantity: "1", amount: "11" },
      { name: "at up_to the next tier's flat amount is not added", quantity: "100", amount: "110" },
      { name: "one past up_to adds the next tier's flat amount", quantity: "101", amount: "130.5" },
      { name: "a fraction past up_to adds the next tier's flat amount", quantity: "100.5", amount: "130.25" },
    ],
    (r) => `flat_amount: ${r.name} (${show(r.quantity)} → ${r.amount})`,
    (row) => {
      check(graduated(withFlat), row);
    },
  );

  test("flat amounts appear as their own parts", () => {
    expect(rateCharge(graduated(withFlat), "101").parts).toEqual([
      { description: "Tier 1: 1–100", quantity: "100", unit_price: "1", amount: "100" },
      { description: "Tier 1 flat amount", quantity: "1", unit_price: "10", amount: "10" },
      { description: "Tier 2: 101 and above", quantity: "1", unit_price: "0.5", amount: "0.5" },
      { description: "Tier 2 flat amount", quantity: "1", unit_price: "20", amount: "20" },
    ]);
  });

  test("tiny rates over a trillion units are exact to the last digit", () => {
    const tiers: Tier[] = [
      { up_to: 1000000, unit_price: "0.0000001" },
      { up_to: null, unit_price: "0.00000005" },
    ];
    // 1,000,000 × 0.0000001 + 999,999,000,000 × 0.00000005 = 0.1 + 49,999.95
    check(graduated(tiers), { name: "", quantity: "1000000000000", amount: "50000.05" });
    check(graduated(tiers), { name: "", quantity: "1000000000000.3", amount: "50000.050000015" });
  });

  test("a single open tier is per-unit pricing", () => {
    const line = check(graduated([{ up_to: null, unit_price: "0.25" }]), { name: "", quantity: "4", amount: "1" });
    expect(line.parts[0]!.description).toBe("Tier 1: all units");
  });
});

describe("volume: all units at the price of the tier the total falls in", () => {
  const tiers: Tier[] = [
    { up_to: 1000, unit_price: "0.02", flat_amount: "1" },
    { up_to: 10000, unit_price: "0.01", flat_amount: "5" },
    { up_to: null, unit_price: "0.005" },
  ];
  cases<Row>(
    [
      { name: "zero costs nothing, not even the first tier's flat amount", quantity: "0", amount: "0" },
      { name: "exactly at up_to: every unit at the first tier, plus its flat amount", quantity: "1000", amount: "21" },
      {
        name: "one past up_to: every unit at the second tier, plus its flat amount",
        quantity: "1001",
        amount: "15.01",
      },
      { name: "a fraction past up_to is in the next tier", quantity: "1000.5", amount: "15.005" },
      { name: "exactly at the second up_to", quantity: "10000", amount: "105" },
      { name: "one past the second up_to: last tier, no flat amount", quantity: "10001", amount: "50.005" },
      { name: "a trillion units", quantity: "1000000000000", amount: "5000000000" },
    ],
    (r) => `${r.name} (${show(r.quantity)} → ${r.amount})`,
    (row) => {
      check(volume(tiers), row);
    },
  );

  test("included quantity larger than usage costs nothing", () => {
    check(volume(tiers, { included_quantity: "5000" }), { name: "", quantity: "4000", amount: "0", billable: "0" });
  });

  test("included quantity is taken off before the tier is chosen", () => {
    // 1,500 − 600 = 900 billable → first tier: 900 × 0.02 + 1.
    check(volume(tiers, { included_quantity: "600" }), { name: "", quantity: "1500", amount: "19", billable: "900" });
  });

  test("tiny rates over a trillion units are exact", () => {
    check(volume([{ up_to: null, unit_price: "0.0000001" }]), {
      name: "",
      quantity: "1000000000001",
      amount: "100000.0000001",
    });
  });

  test("the parts name the tier and its flat amount", () => {
    expect(rateCharge(volume(tiers), "1001").parts).toEqual([
      { description: "Tier 2: 1,001–10,000 (all units)", quantity: "1001", unit_price: "0.01", amount: "10.01" },
      { description: "Tier 2 flat amount", quantity: "1", unit_price: "5", amount: "5" },
    ]);
  });
});

describe("group: a price per group value; unpriced values are reported, never free", () => {
  const group = (extra: Partial<Extract<UsageCharge, { model: "group" }>> = {}): Charge => ({
    type: "usage",
    meter: "tokens",
    model: "group",
    group_by: "model",
    prices: { "gpt-4": "0.03", "gpt-3.5": "0.002" },
    ...extra,
  });

  cases<Row & { unpriced?: { value: string; quantity: string }[] }>(
    [
      { name: "no usage entry rates as zero", quantity: undefined, amount: "0" },
      { name: "no groups rates as zero", quantity: { groups: {} }, amount: "0" },
      { name: "zero quantities rate as zero", quantity: { groups: { "gpt-4": "0" } }, amount: "0" },
      {
        name: "each group at its own price",
        quantity: { groups: { "gpt-4": "100", "gpt-3.5": "1000" } },
        amount: "5",
        quantityOut: "1100",
      },
      { name: "fractional group quantities", quantity: { groups: { "gpt-4": "0.5" } }, amount: "0.015" },
      {
        name: "huge group quantities are exact",
        quantity: { groups: { "gpt-4": "1000000000000.5" } },
        amount: "30000000000.015",
      },
      {
        name: "a value with no price and no default is unpriced and left out of the amount",
        quantity: { groups: { "gpt-4": "100", claude: "50" } },
        amount: "3",
        billable: "150",
        unpriced: [{ value: "claude", quantity: "50" }],
      },
      {
        name: "a value named like an Object property is unpriced, not looked up on the prototype",
        quantity: { groups: { constructor: "1", toString: "2" } },
        amount: "0",
        unpriced: [
          { value: "constructor", quantity: "1" },
          { value: "toString", quantity: "2" },
        ],
      },
    ],
    (r) => r.name,
    (row) => {
      const line = check(group(), row);
      if (row.unpriced) {
        expect(line.unpriced).toHaveLength(row.unpriced.length);
        row.unpriced.forEach((u, i) => {
          expect(line.unpriced![i]!.quantity).toBe(u.quantity);
          expect(line.unpriced![i]!.reason).toContain(`"${u.value}"`);
        });
      } else {
        expect(line.unpriced).toBeUndefined();
      }
    },
  );

  test("a value with no price uses default_unit_price and says so", () => {
    const line = check(group({ default_unit_price: "0.01" }), {
      name: "",
      quantity: { groups: { "gpt-4": "100", claude: "50" } },
      amount: "3.5",
    });
    expect(line.unpriced).toBeUndefined();
    expect(line.parts).toContainEqual({
      description: "model = claude (default price)",
      quantity: "50",
      unit_price: "0.01",
      amount: "0.5",
    });
    expect(line.parts).toContainEqual({
      description: "model = gpt-4",
      quantity: "100",
      unit_price: "0.03",
      amount: "3",
    });
  });

  test("included quantity comes off the groups in order of group value", () => {
    // "gpt-3.5" sorts before "gpt-4": it takes 100 of the 150 included, gpt-4 the other 50.
    const line = check(group({ included_quantity: "150" }), {
      name: "",
      quantity: { groups: { "gpt-4": "100", "gpt-3.5": "100" } },
      amount: "1.5",
      billable: "50",
    });
    expect(line.parts).toEqual([
      { description: "Included units", quantity: "150", unit_price: "0", amount: "0" },
      { description: "model = gpt-4", quantity: "50", unit_price: "0.03", amount: "1.5" },
    ]);
  });

  test("included quantity order does not depend on the order usage was reported in", () => {
    const a = rateCharge(group({ included_quantity: "150" }), { groups: { "gpt-4": "100", "gpt-3.5": "100" } });
    const b = rateCharge(group({ included_quantity: "150" }), { groups: { "gpt-3.5": "100", "gpt-4": "100" } });
    expect(b).toEqual(a);
  });

  test("included quantity larger than usage bills nothing and leaves nothing unpriced", () => {
    const line = check(group({ included_quantity: "1000" }), {
      name: "",
      quantity: { groups: { "gpt-4": "100", claude: "50" } },
      amount: "0",
      billable: "0",
    });
    expect(line.unpriced).toBeUndefined();
  });

  test("a plain total (no breakdown) is unpriced without a default price", () => {
    const line = check(group(), { name: "", quantity: "10", amount: "0" });
    expect(line.unpriced).toEqual([{ reason: expect.stringContaining("not broken down by model"), quantity: "10" }]);
  });

  test("a plain total (no breakdown) is priced at the default price when there is one", () => {
    check(group({ default_unit_price: "0.1" }), { name: "", quantity: "10", amount: "1" });
  });
});

describe("fixed charges", () => {
  const fee: Charge = { type: "fixed", name: "Monthly Fee", amount: "10.00" };

  test("the amount as is, quantity 1", () => {
    const line = rateCharge(fee, undefined);
    expect(line).toEqual({
      type: "fixed",
      name: "Monthly Fee",
      quantity: "1",
      billable_quantity: "1",
      amount: "10",
      parts: [{ description: "Monthly Fee", quantity: "1", unit_price: "10", amount: "10" }],
    });
    expectConsistent(fee, undefined, line);
  });

  test("a quantity passed to a fixed charge is ignored", () => {
    expect(rateCharge(fee, "7")).toEqual(rateCharge(fee, undefined));
  });

  test("tiny fixed amounts keep every digit", () => {
    expect(rateCharge({ type: "fixed", name: "x", amount: "0.0000001" }, undefined).amount).toBe("0.0000001");
  });
});

describe("bad input throws instead of rating a guess", () => {
  cases(
    [
      { name: "non-numeric quantity", quantity: "abc" },
      { name: "exponent notation", quantity: "1e5" },
      { name: "negative quantity", quantity: "-1" },
      { name: "padded quantity", quantity: " 5" },
      { name: "thousands separators", quantity: "1,000" },
      { name: "empty string", quantity: "" },
      { name: "a JS number instead of a string", quantity: 5 as unknown as string },
      { name: "a bad group quantity", quantity: { groups: { a: "x" } } },
      { name: "groups missing", quantity: {} as unknown as Quantity },
    ],
    (r) => `refuses ${r.name}`,
    ({ quantity }) => {
      expect(() => rateCharge(perUnit("1"), quantity)).toThrow(RatingInputError);
    },
  );

  test("an invalid charge throws with the issues by field", () => {
    const bad = graduated([
      { up_to: 100, unit_price: "1" },
      { up_to: 50, unit_price: "1" },
      { up_to: null, unit_price: "1" },
    ]);
    expect(() => rateCharge(bad, "10")).toThrow(/tiers\.1\.up_to/);
    try {
      rateCharge(bad, "10");
    } catch (e) {
      expect(e).toBeInstanceOf(RatingInputError);
      expect((e as RatingInputError).issues.map((i) => i.field)).toEqual(["tiers.1.up_to"]);
    }
  });

  test("a negative rate is refused, not billed as a credit", () => {
    expect(() => rateCharge(perUnit("-0.05"), "10")).toThrow(/unit_price: must not be negative/);
  });
});

describe("the compiled-charge cache never serves stale prices", () => {
  test("a changed unit price is picked up", () => {
    const charge = perUnit("0.05") as Extract<Charge, { model: "per_unit" }>;
    expect(rateCharge(charge, "10").amount).toBe("0.5");
    charge.unit_price = "0.07";
    expect(rateCharge(charge, "10").amount).toBe("0.7");
  });

  test("a changed tier is picked up", () => {
    const charge = graduated([
      { up_to: 10, unit_price: "1" },
      { up_to: null, unit_price: "2" },
    ]) as Extract<Charge, { model: "graduated" }>;
    expect(rateCharge(charge, "20").amount).toBe("30");
    charge.tiers[0]!.up_to = 5;
    expect(rateCharge(charge, "20").amount).toBe("35");
    charge.tiers[1]!.flat_amount = "1";
    expect(rateCharge(charge, "20").amount).toBe("36");
    charge.tiers.splice(1, 0, { up_to: 15, unit_price: "0" });
    // 5 × 1 + 10 × 0 + 5 × 2 + 1 flat
    expect(rateCharge(charge, "20").amount).toBe("16");
  });

  test("a changed included quantity, package or group price is picked up", () => {
    const p = pkg() as Extract<Charge, { model: "package" }>;
    expect(rateCharge(p, "1500").amount).toBe("4");
    p.package_size = 500;
    expect(rateCharge(p, "1500").amount).toBe("6");
    p.included_quantity = "1000";
    expect(rateCharge(p, "1500").amount).toBe("2");

    const g: Charge = { type: "usage", meter: "m", model: "group", group_by: "k", prices: { a: "1" } };
    expect(rateCharge(g, { groups: { a: "1", b: "1" } }).amount).toBe("1");
    g.prices.b = "2";
    expect(rateCharge(g, { groups: { a: "1", b: "1" } }).amount).toBe("3");
    g.prices.a = "5";
    expect(rateCharge(g, { groups: { a: "1", b: "1" } }).amount).toBe("7");
  });

  test("equal charges loaded afresh share compiled work but not mutations", () => {
    const a = perUnit("0.05") as Extract<Charge, { model: "per_unit" }>;
    const b = perUnit("0.05") as Extract<Charge, { model: "per_unit" }>;
    expect(rateCharge(a, "10").amount).toBe("0.5");
    expect(rateCharge(b, "10").amount).toBe("0.5");
    a.unit_price = "1";
    expect(rateCharge(a, "10").amount).toBe("10");
    expect(rateCharge(b, "10").amount).toBe("0.5");
  });

  test("a NaN up_to is not mistaken for a cached open tier (JSON writes both as null)", () => {
    const valid = graduated([
      { up_to: 10, unit_price: "1" },
      { up_to: null, unit_price: "2" },
    ]);
    expect(rateCharge(valid, "20").amount).toBe("30");
    const bad = graduated([
      { up_to: 10, unit_price: "1" },
      { up_to: NaN, unit_price: "2" },
    ]);
    expect(() => rateCharge(bad, "20")).toThrow(RatingInputError);
  });

  test("a charge made invalid after rating throws on the next rating", () => {
    const charge = perUnit("0.05") as Extract<Charge, { model: "per_unit" }>;
    rateCharge(charge, "1");
    charge.unit_price = "abc";
    expect(() => rateCharge(charge, "1")).toThrow(RatingInputError);
  });
});
