import { describe, expect, test } from "vitest";
import { ratePlan } from "./rate-plan";
import { RatingInputError } from "./rating-error";
import type { Charge, Quantity } from "./types";

/** Table-driven tests with readable names. */
function cases<T>(rows: T[], title: (row: T) => string, fn: (row: T) => void) {
  for (const row of rows) test(title(row), () => fn(row));
}

const perUnit = (meter: string, unit_price: string): Charge => ({
  type: "usage",
  meter,
  model: "per_unit",
  unit_price,
});

describe("ratePlan", () => {
  test("product spec example: 5.5 voice minutes, 10 API calls and a $10 fee come to 10.375, charged 1038 cents", () => {
    const charges: Charge[] = [
      perUnit("voice_minutes", "0.05"),
      perUnit("api_calls", "0.01"),
      { type: "fixed", name: "Monthly Fee", amount: "10.00" },
    ];
    const total = ratePlan(charges, { voice_minutes: "5.5", api_calls: "10" }, "usd");
    expect(total.amount).toBe("10.375");
    expect(total.amount_minor).toBe(1038);
    expect(total.currency).toBe("usd");
    expect(total.unpriced_meters).toEqual([]);
    expect(total.lines.map((l) => [l.name, l.quantity, l.amount])).toEqual([
      ["voice_minutes", "5.5", "0.275"],
      ["api_calls", "10", "0.1"],
      ["Monthly Fee", "1", "10"],
    ]);
  });

  test("a usage charge whose meter has no usage entry is a zero line, not a missing one", () => {
    const total = ratePlan([perUnit("voice_minutes", "0.05")], {}, "usd");
    expect(total.lines).toHaveLength(1);
    expect(total.lines[0]).toMatchObject({
      meter: "voice_minutes",
      quantity: "0",
      billable_quantity: "0",
      amount: "0",
    });
    expect(total).toMatchObject({ amount: "0", amount_minor: 0 });
  });

  test("an empty plan comes to zero", () => {
    expect(ratePlan([], {}, "usd")).toEqual({
      lines: [],
      amount: "0",
      amount_minor: 0,
      currency: "usd",
      unpriced_meters: [],
    });
  });

  test("lines stay exact and the total is rounded once: three 0.004 lines charge 1 cent, not 0", () => {
    const charges = ["a", "b", "c"].map((m) => perUnit(m, "0.004"));
    const total = ratePlan(charges, { a: "1", b: "1", c: "1" }, "usd");
    expect(total.lines.map((l) => l.amount)).toEqual(["0.004", "0.004", "0.004"]);
    expect(total.amount).toBe("0.012");
    expect(total.amount_minor).toBe(1);
  });

  cases(
    [
      { name: "half a cent rounds up", amount: "0.005", currency: "usd", minor: 1 },
      { name: "just under half a cent rounds down", amount: "0.0049999999", currency: "usd", minor: 0 },
      { name: "yen have no minor unit: 100.5 → 101", amount: "100.5", currency: "jpy", minor: 101 },
      { name: "dinar have three decimals: 1.2345 → 1235", amount: "1.2345", currency: "kwd", minor: 1235 },
      { name: "the currency code is case-insensitive", amount: "100.5", currency: "JPY", minor: 101 },
    ],
    (r) => `rounding half-up to the minor unit: ${r.name}`,
    ({ amount, currency, minor }) => {
      const total = ratePlan([perUnit("m", amount)], { m: "1" }, currency);
      expect(total.amount).toBe(amount);
      expect(total.amount_minor).toBe(minor);
    },
  );

  test("huge quantities at tiny rates total exactly and round once", () => {
    const total = ratePlan(
      [perUnit("a", "0.0000001"), perUnit("b", "0.0000001")],
      { a: "1000000000000", b: "1000000000000.5" },
      "usd",
    );
    expect(total.amount).toBe("200000.00000005");
    expect(total.amount_minor).toBe(20000000);
  });

  cases<{ name: string; usage: Record<string, Quantity>; unpriced: string[] }>(
    [
      {
        name: "meters with usage and no charge are listed, sorted",
        usage: { m: "1", zeta: "2", alpha: "3" },
        unpriced: ["alpha", "zeta"],
      },
      {
        name: "a meter that reported zero is not a billing gap",
        usage: { m: "1", idle: "0", idle2: "0.000" },
        unpriced: [],
      },
      {
        name: "per-group usage with no charge is listed",
        usage: { tokens: { groups: { a: "1" } } },
        unpriced: ["tokens"],
      },
      { name: "per-group usage of all zeros is not listed", usage: { tokens: { groups: { a: "0" } } }, unpriced: [] },
      {
        name: "unreadable usage on an uncharged meter is listed, not hidden",
        usage: { odd: "n/a" },
        unpriced: ["odd"],
      },
    ],
    (r) => `unpriced_meters: ${r.name}`,
    ({ usage, unpriced }) => {
      expect(ratePlan([perUnit("m", "1")], usage, "usd").unpriced_meters).toEqual(unpriced);
    },
  );

  test("group values without a price stay on the line and out of the total", () => {
    const charges: Charge[] = [
      { type: "usage", meter: "tokens", model: "group", group_by: "model", prices: { "gpt-4": "0.03" } },
    ];
    const total = ratePlan(charges, { tokens: { groups: { "gpt-4": "100", claude: "50" } } }, "usd");
    expect(total.amount).toBe("3");
    expect(total.amount_minor).toBe(300);
    expect(total.lines[0]!.unpriced).toEqual([{ reason: expect.stringContaining('"claude"'), quantity: "50" }]);
  });

  test("two charges on one meter both rate that meter's usage", () => {
    const charges: Charge[] = [
      perUnit("m", "1"),
      { type: "usage", meter: "m", model: "package", package_size: 10, package_price: "5" },
    ];
    expect(ratePlan(charges, { m: "11" }, "usd").amount).toBe("21");
  });

  test("explain: false gives the same figures without parts", () => {
    const charges: Charge[] = [
      perUnit("voice_minutes", "0.05"),
      { type: "fixed", name: "Monthly Fee", amount: "10.00" },
    ];
    const explained = ratePlan(charges, { voice_minutes: "5.5" }, "usd");
    const bare = ratePlan(charges, { voice_minutes: "5.5" }, "usd", { explain: false });
    expect(bare).toEqual({ ...explained, lines: explained.lines.map((l) => ({ ...l, parts: [] })) });
  });

  test("usage keys inherited from Object.prototype are not usage", () => {
    const total = ratePlan([perUnit("constructor", "1")], {}, "usd");
    expect(total.lines[0]!.quantity).toBe("0");
  });

  test("a bad quantity on a charged meter throws rather than billing a guess", () => {
    expect(() => ratePlan([perUnit("m", "1")], { m: "1e3" }, "usd")).toThrow(RatingInputError);
  });
});
