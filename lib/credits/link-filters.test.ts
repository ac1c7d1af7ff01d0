import { describe, expect, it } from "vitest";
import { filtersOverlap } from "./link-filters";

describe("filtersOverlap", () => {
  it("finds that a link without filters overlaps every other link of the meter", () => {
    expect(filtersOverlap({}, {})).toBe(true);
    expect(filtersOverlap({}, { model: ["small"] })).toBe(true);
    expect(filtersOverlap({ model: ["small"] }, {})).toBe(true);
  });

  it("finds links on different values of one property disjoint, and a shared value overlapping", () => {
    expect(filtersOverlap({ model: ["small"] }, { model: ["large"] })).toBe(false);
    expect(filtersOverlap({ model: ["small", "medium"] }, { model: ["medium", "large"] })).toBe(true);
  });

  it("finds links on different properties overlapping (an event can carry both values)", () => {
    expect(filtersOverlap({ model: ["small"] }, { region: ["eu"] })).toBe(true);
  });

  it("needs only one property with no value in common to be disjoint", () => {
    expect(filtersOverlap({ model: ["small"], region: ["eu"] }, { model: ["small"], region: ["us"] })).toBe(false);
    expect(filtersOverlap({ model: ["small"], region: ["eu"] }, { model: ["small"], region: ["eu", "us"] })).toBe(true);
  });
});
