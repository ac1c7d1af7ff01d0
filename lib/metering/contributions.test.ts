import { describe, expect, it } from "vitest";
import { contributionsOf, groupKeyOf, matchesFilters, numericValue } from "./contributions";
import type { MeterDef } from "./meters";

const meter = (v: Partial<MeterDef>): MeterDef => ({
  id: "m",
  code: "m",
  name: "M",
  eventName: "e",
  aggregation: "count",
  property: null,
  filters: {},
  groupBy: [],
  unit: "unit",
  allowNegative: false,
  archived: false,
  ...v,
});

describe("numericValue", () => {
  it.each([
    [5, "5"],
    ["5", "5"],
    ["5.50", "5.50"],
    ["-3", "-3"],
    [0.1, "0.1"],
    ["1e3", "1000"],
    ["+2", "2"],
    [".5", "0.5"],
    [1e21, "1000000000000000000000"],
    [null, null],
    [undefined, null],
  ])("reads %j as %j", (input, expected) => {
    expect(numericValue(input)).toEqual({ value: expected });
  });

  it.each([["twelve"], ["12 "], [""], [true], [{}], [[1]], [Number.NaN], ["1e31"], ["0x10"]])("refuses %j", (input) => {
    expect(numericValue(input)).toHaveProperty("error");
  });
});

describe("filters and groups", () => {
  it.each([
    [{ model: ["gpt-4"] }, { model: "gpt-4" }, true],
    [{ model: ["gpt-4"] }, { model: "claude-3" }, false],
    [{ model: ["gpt-4"] }, {}, false],
    [{ model: [] }, {}, true],
    [{ code: ["200"] }, { code: 200 }, true],
    [{ model: ["gpt-4"], region: ["eu"] }, { model: "gpt-4", region: "us" }, false],
  ])("filter %j on %j is %s", (filters, props, expected) => {
    expect(matchesFilters(filters, props)).toBe(expected);
  });

  it("makes a canonical group key in the meter's order, null for a missing property", () => {
    expect(groupKeyOf([], { model: "x" })).toBe("{}");
    expect(groupKeyOf(["model", "region"], { region: "eu", model: "gpt-4" })).toBe('{"model":"gpt-4","region":"eu"}');
    expect(groupKeyOf(["model"], {})).toBe('{"model":null}');
  });
});

describe("contributionsOf", () => {
  it("feeds every meter of the event, skips a meter whose property is missing, and names a bad property", () => {
    const meters = [
      meter({ id: "c" }),
      meter({ id: "s", aggregation: "sum", property: "tokens", groupBy: ["model"] }),
      meter({ id: "u", aggregation: "unique_count", property: "user" }),
      meter({ id: "l", aggregation: "latest", property: "gb" }),
    ];
    expect(contributionsOf(meters, { tokens: "12", model: "gpt-4", user: 7 })).toEqual({
      ok: true,
      rollups: [
        { meterId: "c", groupKey: "{}", value: null },
        { meterId: "s", groupKey: '{"model":"gpt-4"}', value: "12" },
      ],
      uniques: [{ meterId: "u", groupKey: "{}", value: "7" }],
    });
    expect(contributionsOf(meters, { gb: "1.5" })).toMatchObject({
      ok: true,
      rollups: [{ meterId: "c" }, { meterId: "l", value: "1.5", latest: true }],
    });
    expect(contributionsOf(meters, { tokens: "many" })).toEqual({
      ok: false,
      error: { field: "properties.tokens", message: expect.stringContaining("numeric string") },
    });
  });

  it("refuses a negative value on a sum meter unless the meter allows negatives, naming the property", () => {
    const sum = meter({ id: "s", code: "tokens", aggregation: "sum", property: "tokens" });
    for (const v of [-100000000000, "-100000000000", "-0.5", "-1e3"]) {
      expect(contributionsOf([sum], { tokens: v }), String(v)).toEqual({
        ok: false,
        error: { field: "properties.tokens", message: expect.stringMatching(/must not be negative.*meter tokens/) },
      });
    }
    expect(contributionsOf([sum], { tokens: "-0" })).toMatchObject({ ok: true, rollups: [{ value: "-0" }] });
    expect(contributionsOf([sum], { tokens: 0 })).toMatchObject({ ok: true, rollups: [{ value: "0" }] });
    expect(contributionsOf([{ ...sum, allowNegative: true }], { tokens: "-5" })).toMatchObject({
      ok: true,
      rollups: [{ value: "-5" }],
    });
    // max and latest read a level, which may be below zero.
    expect(contributionsOf([meter({ id: "l", aggregation: "latest", property: "t" })], { t: -3 })).toMatchObject({
      ok: true,
      rollups: [{ value: "-3" }],
    });
  });
});
