// The revenue pages show rates (decimal strings with 4 places) as percents; formatting must be exact.
import { describe, expect, it } from "vitest";
import { formatMonth, formatPercent } from "@/lib/format";

describe("formatPercent", () => {
  const cases: [string | null, number, string][] = [
    ["0.0833", 1, "8.3 %"],
    ["0.9252", 1, "92.5 %"],
    ["1.0000", 1, "100.0 %"],
    ["0.1667", 1, "16.7 %"],
    ["0.00005", 2, "0.01 %"],
    ["0.0005", 1, "0.1 %"],
    ["12.3456", 1, "1,234.6 %"],
    ["-2.0000", 1, "−200.0 %"],
    [null, 1, "—"],
  ];
  it.each(cases)("%s with %i decimals is %s", (ratio, digits, out) => {
    expect(formatPercent(ratio, digits)).toBe(out);
  });
});

describe("formatMonth", () => {
  it("names a YYYY-MM month in UTC", () => {
    expect(formatMonth("2026-03")).toBe("Mar 2026");
    expect(formatMonth("2025-12", "long")).toBe("December 2025");
  });
});
