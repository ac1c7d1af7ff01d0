import { describe, expect, it } from "vitest";
import { bool, date, decimal, decodeRows, int, json, nullable, text } from "./rows";

const shape = {
  id: text,
  n: int,
  amount: decimal,
  at: date,
  live: bool,
  ended: nullable(date),
  meta: json<{ a: number }>(),
};

describe("decodeRows", () => {
  it.each([
    [
      "postgres.js: an array, int8 and timestamps as text",
      [{ id: "a", n: "42", amount: "1.50", at: "2026-01-02 03:04:05+00", live: true, ended: null, meta: { a: 1 } }],
    ],
    [
      "PGlite: { rows }, int8 as bigint, timestamps as Date",
      {
        rows: [
          {
            id: "a",
            n: BigInt(42),
            amount: "1.50",
            at: new Date("2026-01-02T03:04:05Z"),
            live: true,
            ended: undefined,
            meta: '{"a":1}',
          },
        ],
      },
    ],
  ])("decodes %s to the same row", (_name, result) => {
    expect(decodeRows(shape, result)).toEqual([
      { id: "a", n: 42, amount: "1.50", at: new Date("2026-01-02T03:04:05Z"), live: true, ended: null, meta: { a: 1 } },
    ]);
  });

  it("keeps numeric exact as text, never a float", () => {
    expect(decodeRows({ v: decimal }, [{ v: "0.1000000000000000000001" }])).toEqual([
      { v: "0.1000000000000000000001" },
    ]);
  });

  it.each([
    ["a null where the column is not nullable", { n: int }, { n: null }, /column n is not an integer \(null\)/],
    ["text that is no number", { n: int }, { n: "x" }, /column n is not an integer/],
    ["a timestamp that does not parse", { at: date }, { at: "not a date" }, /column at is not a timestamp/],
    ["a number where text is expected", { id: text }, { id: 1 }, /column id is not text \(number\)/],
  ])("refuses %s, naming the column", (_name, s, row, message) => {
    expect(() => decodeRows(s, [row])).toThrow(message);
  });

  it("reads an empty result as no rows", () => {
    expect(decodeRows({ id: text }, { rows: [] })).toEqual([]);
    expect(decodeRows({ id: text }, {})).toEqual([]);
  });
});
