import { describe, expect, it } from "vitest";
import { prorate } from "./proration";

const start = new Date("2026-03-01T00:00:00Z");
const end = new Date("2026-03-31T00:00:00Z"); // 30 days
const at = (day: number) => new Date(start.getTime() + day * 86_400_000);

describe("proration", () => {
  it.each([
    ["half way through, $29 → $99", 2900, 9900, 15, 3500],
    ["at the start the whole difference", 2900, 9900, 0, 7000],
    ["at the end nothing", 2900, 9900, 30, 0],
    ["a third left, rounding half-up once: 7000 / 3 = 2333.33 → 2333", 2900, 9900, 20, 2333],
    ["a downgrade now is a credit (negative)", 9900, 2900, 15, -3500],
  ])("%s", (_name, oldCents, newCents, day, expected) => {
    expect(
      prorate({
        oldCents,
        newCents,
        periodStart: start,
        periodEnd: end,
        at: at(day),
        currency: "usd",
        sameInterval: true,
      }).amountCents,
    ).toBe(expected);
  });

  it("charges the new yearly price minus the unused monthly part when the interval changes", () => {
    expect(
      prorate({
        oldCents: 2900,
        newCents: 29000,
        periodStart: start,
        periodEnd: end,
        at: at(10),
        currency: "usd",
        sameInterval: false,
      }).amountCents,
    ).toBe(29000 - 1933);
  });
});
