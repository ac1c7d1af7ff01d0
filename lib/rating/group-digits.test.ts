import { expect, test } from "vitest";
import { groupDigits } from "./group-digits";

const rows: [string | number, string][] = [
  [0, "0"],
  [999, "999"],
  [1000, "1,000"],
  [1001, "1,001"],
  [1234567, "1,234,567"],
  ["1234567.12345", "1,234,567.12345"],
  ["1000000000000000000001", "1,000,000,000,000,000,000,001"],
];
for (const [input, out] of rows) {
  test(`groups thousands for labels only, leaving decimals alone: ${JSON.stringify(input)} → ${out}`, () => {
    expect(groupDigits(input)).toBe(out);
  });
}
