import { describe, expect, test } from "vitest";
import type { Charge } from "./types";
import { validateCharge, ZCharge } from "./validate-price-model";

/** Table-driven tests with readable names. */
function cases<T>(rows: T[], title: (row: T) => string, fn: (row: T) => void) {
  for (const row of rows) test(title(row), () => fn(row));
}

const usage = { type: "usage", meter: "api_calls" } as const;
const tiers = (...upTos: (number | null)[]) => upTos.map((up_to) => ({ up_to, unit_price: "0.01" }));

function fields(charge: unknown): string[] {
  const result = validateCharge(charge);
  if (result.ok) return [];
  return result.issues.map((i) => i.field);
}

function issue(charge: unknown, field: string): string {
  const result = validateCharge(charge);
  if (result.ok) throw new Error("expected the charge to be refused");
  const found = result.issues.find((i) => i.field === field);
  if (!found) throw new Error(`no issue on ${field}: ${JSON.stringify(result.issues)}`);
  return found.message;
}

describe("valid charges pass unchanged", () => {
  cases<{ name: string; charge: Charge }>(
    [
      {
        name: "per_unit",
        charge: { ...usage, model: "per_unit", unit_price: "0.05", name: "API calls", included_quantity: "1000" },
      },
      { name: "package", charge: { ...usage, model: "package", package_size: 1000, package_price: "8.50" } },
      {
        name: "graduated with flat amounts",
        charge: {
          ...usage,
          model: "graduated",
          tiers: [
            { up_to: 1000, unit_price: "0", flat_amount: "5" },
            { up_to: null, unit_price: "0.005" },
          ],
        },
      },
      {
        name: "volume with one open tier",
        charge: { ...usage, model: "volume", tiers: [{ up_to: null, unit_price: "0.1" }] },
      },
      {
        name: "group with a default price",
        charge: {
          ...usage,
          model: "group",
          group_by: "model",
          prices: { "gpt-4": "0.03" },
          default_unit_price: "0.01",
        },
      },
      {
        name: "group with a null default price",
        charge: { ...usage, model: "group", group_by: "model", prices: { "gpt-4": "0.03" }, default_unit_price: null },
      },
      { name: "fixed", charge: { type: "fixed", name: "Monthly Fee", amount: "10.00" } },
      { name: "zero prices", charge: { ...usage, model: "per_unit", unit_price: "0" } },
    ],
    (r) => `accepts ${r.name}`,
    ({ charge }) => {
      expect(validateCharge(charge)).toEqual({ ok: true, charge });
    },
  );
});

describe("JSON numbers become decimal strings", () => {
  cases(
    [
      { name: "a plain number", input: 0.05, out: "0.05" },
      { name: "a whole number", input: 10, out: "10" },
      { name: "0.1 stays 0.1, not its binary expansion", input: 0.1, out: "0.1" },
      { name: "a number JS prints with an exponent is written out", input: 1e-7, out: "0.0000001" },
      { name: "a large number JS prints with an exponent is written out", input: 1e21, out: "1000000000000000000000" },
    ],
    (r) => `${r.name} (${r.input} → "${r.out}")`,
    ({ input, out }) => {
      const result = ZCharge.parse({ ...usage, model: "per_unit", unit_price: input });
      expect(result).toMatchObject({ unit_price: out });
    },
  );

  test("numbers in tiers, flat amounts, group prices and fixed amounts are converted too", () => {
    expect(
      ZCharge.parse({
        ...usage,
        model: "graduated",
        tiers: [
          { up_to: 10, unit_price: 1, flat_amount: 2.5 },
          { up_to: null, unit_price: 0.5 },
        ],
      }),
    ).toMatchObject({
      tiers: [
        { up_to: 10, unit_price: "1", flat_amount: "2.5" },
        { up_to: null, unit_price: "0.5" },
      ],
    });
    expect(ZCharge.parse({ ...usage, model: "group", group_by: "m", prices: { a: 0.03 } })).toMatchObject({
      prices: { a: "0.03" },
    });
    expect(ZCharge.parse({ type: "fixed", name: "Fee", amount: 10 })).toEqual({
      type: "fixed",
      name: "Fee",
      amount: "10",
    });
  });
});

describe("rates must be non-negative plain decimals; the issue names the field", () => {
  cases(
    [
      { name: "negative rate", value: "-0.01" as unknown, message: /negative/ },
      { name: "negative JSON number", value: -1, message: /negative/ },
      { name: "non-numeric", value: "abc", message: /plain decimal/ },
      { name: "exponent notation (1e5)", value: "1e5", message: /plain decimal/ },
      { name: "thousands separators", value: "1,000", message: /plain decimal/ },
      { name: "spaces", value: " 1", message: /plain decimal/ },
      { name: "a leading dot", value: ".5", message: /plain decimal/ },
      { name: "empty string", value: "", message: /plain decimal/ },
      { name: "a boolean", value: true, message: /plain decimal/ },
      { name: "null", value: null, message: /plain decimal/ },
    ],
    (r) => `refuses ${r.name} as unit_price`,
    ({ value, message }) => {
      expect(issue({ ...usage, model: "per_unit", unit_price: value }, "unit_price")).toMatch(message);
    },
  );

  cases(
    [
      {
        name: "package_price",
        charge: { ...usage, model: "package", package_size: 10, package_price: "-1" },
        field: "package_price",
      },
      {
        name: "a tier's unit_price",
        charge: {
          ...usage,
          model: "graduated",
          tiers: [
            { up_to: 1, unit_price: "1" },
            { up_to: null, unit_price: "abc" },
          ],
        },
        field: "tiers.1.unit_price",
      },
      {
        name: "a tier's flat_amount",
        charge: { ...usage, model: "volume", tiers: [{ up_to: null, unit_price: "1", flat_amount: "-5" }] },
        field: "tiers.0.flat_amount",
      },
      {
        name: "a group price",
        charge: { ...usage, model: "group", group_by: "model", prices: { "gpt-4": "1e-3" } },
        field: "prices.gpt-4",
      },
      {
        name: "default_unit_price",
        charge: { ...usage, model: "group", group_by: "model", prices: { a: "1" }, default_unit_price: "-1" },
        field: "default_unit_price",
      },
      {
        name: "included_quantity",
        charge: { ...usage, model: "per_unit", unit_price: "1", included_quantity: "-10" },
        field: "included_quantity",
      },
      { name: "a fixed amount", charge: { type: "fixed", name: "Fee", amount: "ten" }, field: "amount" },
    ],
    (r) => `refuses a bad ${r.name}, naming ${r.field}`,
    ({ charge, field }) => {
      expect(fields(charge)).toEqual([field]);
    },
  );
});

describe("tiers: non-empty, strictly ascending, open only at the end", () => {
  const graduated = (t: unknown) => ({ ...usage, model: "graduated", tiers: t });
  const volume = (t: unknown) => ({ ...usage, model: "volume", tiers: t });

  cases(
    [
      {
        name: "unordered tiers",
        tiers: tiers(1000, 500, null),
        field: "tiers.1.up_to",
        message: /greater than tiers\.0\.up_to \(1000\)/,
      },
      {
        name: "a duplicate up_to (overlapping tiers)",
        tiers: tiers(1000, 1000, null),
        field: "tiers.1.up_to",
        message: /duplicates tiers\.0\.up_to/,
      },
      {
        name: "a null up_to before the last tier",
        tiers: tiers(null, 1000, null),
        field: "tiers.0.up_to",
        message: /only the last tier/,
      },
      {
        name: "a last tier with an up_to",
        tiers: tiers(1000, 10000),
        field: "tiers.1.up_to",
        message: /last tier must have up_to null/,
      },
      { name: "up_to zero", tiers: tiers(0, null), field: "tiers.0.up_to", message: /greater than 0/ },
      { name: "a negative up_to", tiers: tiers(-5, null), field: "tiers.0.up_to", message: /greater than 0/ },
      { name: "a fractional up_to", tiers: tiers(10.5, null), field: "tiers.0.up_to", message: /whole number/ },
      {
        name: "a string up_to",
        tiers: [
          { up_to: "100", unit_price: "1" },
          { up_to: null, unit_price: "1" },
        ],
        field: "tiers.0.up_to",
        message: /whole number/,
      },
      { name: "no tiers", tiers: [], field: "tiers", message: /at least one tier/ },
      {
        name: "a misspelt tier field",
        tiers: [{ up_to: null, unit_price: "1", flat_ammount: "5" }],
        field: "tiers.0.flat_ammount",
        message: /not a field/,
      },
    ],
    (r) => `refuses ${r.name}, naming ${r.field}`,
    ({ tiers: t, field, message }) => {
      expect(issue(graduated(t), field)).toMatch(message);
      expect(issue(volume(t), field)).toMatch(message);
    },
  );

  test("every ordering problem is reported, each at its own tier", () => {
    expect(fields(graduated(tiers(100, 50, 50, null, 10)))).toEqual([
      "tiers.1.up_to",
      "tiers.2.up_to",
      "tiers.3.up_to",
      "tiers.4.up_to",
      "tiers.4.up_to",
    ]);
  });

  test("an out-of-order up_to is compared with the highest earlier up_to, which the message names", () => {
    expect(issue(graduated(tiers(100, 50, 60, null)), "tiers.2.up_to")).toMatch(/greater than tiers\.0\.up_to \(100\)/);
    expect(issue(graduated(tiers(100, 50, 100, null)), "tiers.2.up_to")).toMatch(/duplicates tiers\.0\.up_to \(100\)/);
  });

  test("ordering is still checked when a price is also wrong", () => {
    expect(
      fields(
        graduated([
          { up_to: 10, unit_price: "-1" },
          { up_to: 5, unit_price: "1" },
          { up_to: null, unit_price: "1" },
        ]),
      ),
    ).toEqual(["tiers.0.unit_price", "tiers.1.up_to"]);
  });
});

describe("the rest of the charge shape", () => {
  cases(
    [
      {
        name: "a zero package_size",
        charge: { ...usage, model: "package", package_size: 0, package_price: "1" },
        field: "package_size",
      },
      {
        name: "a fractional package_size",
        charge: { ...usage, model: "package", package_size: 2.5, package_price: "1" },
        field: "package_size",
      },
      {
        name: "a string package_size",
        charge: { ...usage, model: "package", package_size: "10", package_price: "1" },
        field: "package_size",
      },
      {
        name: "empty group prices",
        charge: { ...usage, model: "group", group_by: "model", prices: {} },
        field: "prices",
      },
      {
        name: "a group charge without group_by",
        charge: { ...usage, model: "group", group_by: "", prices: { a: "1" } },
        field: "group_by",
      },
      { name: "an unknown model", charge: { ...usage, model: "tiered", unit_price: "1" }, field: "model" },
      { name: "an unknown type", charge: { type: "one_off", name: "x", amount: "1" }, field: "type" },
      { name: "a missing meter", charge: { type: "usage", model: "per_unit", unit_price: "1" }, field: "meter" },
      {
        name: "a misspelt field",
        charge: { ...usage, model: "per_unit", unit_price: "1", unit_prise: "2" },
        field: "unit_prise",
      },
      { name: "a fixed charge without a name", charge: { type: "fixed", name: "", amount: "1" }, field: "name" },
    ],
    (r) => `refuses ${r.name}, naming ${r.field || "the charge"}`,
    ({ charge, field }) => {
      expect(fields(charge)).toEqual([field]);
    },
  );

  test("refuses something that is not a charge at all", () => {
    expect(validateCharge("per_unit").ok).toBe(false);
    expect(validateCharge(null).ok).toBe(false);
  });
});
