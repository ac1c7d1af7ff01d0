import { describe, expect, it } from "vitest";
import { resolveGrants } from "@/lib/entitlements/precedence";
import { featuresWithAddons, limitsWithAddons, type HeldAddon } from "./grants";

const seats = (n: number, quantity = 1): HeldAddon => ({
  quantity,
  features: [{ feature: "seats", value: n }],
  limits: [],
});

describe("featuresWithAddons", () => {
  const cases: {
    name: string;
    plan: { feature: string; value: boolean | number }[];
    held: HeldAddon[];
    want: unknown;
  }[] = [
    {
      name: "no add-ons: the plan's, as the plan's",
      plan: [{ feature: "seats", value: 5 }],
      held: [],
      want: [{ feature: "seats", value: 5, source: "plan" }],
    },
    {
      name: "numbers sum, times the quantity",
      plan: [{ feature: "seats", value: 5 }],
      held: [seats(1, 3)],
      want: [{ feature: "seats", value: 8, source: "add_on" }],
    },
    {
      name: "two add-ons of one feature both add",
      plan: [{ feature: "seats", value: 5 }],
      held: [seats(1, 2), seats(10)],
      want: [{ feature: "seats", value: 17, source: "add_on" }],
    },
    {
      name: "a number the plan does not grant starts at 0",
      plan: [],
      held: [seats(2, 2)],
      want: [{ feature: "seats", value: 4, source: "add_on" }],
    },
    {
      name: "booleans OR: an add-on turns on what the plan leaves off",
      plan: [{ feature: "sso", value: false }],
      held: [{ quantity: 1, features: [{ feature: "sso", value: true }], limits: [] }],
      want: [{ feature: "sso", value: true, source: "add_on" }],
    },
    {
      name: "an add-on's false never takes the plan's true away (the plan keeps its source)",
      plan: [{ feature: "sso", value: true }],
      held: [{ quantity: 1, features: [{ feature: "sso", value: false }], limits: [] }],
      want: [{ feature: "sso", value: true, source: "plan" }],
    },
  ];
  it.each(cases)("$name", ({ plan, held, want }) => expect(featuresWithAddons(plan, held)).toEqual(want));

  it("an override applied after the add-on layer beats it, even with a smaller value", () => {
    const layered = featuresWithAddons([{ feature: "seats", value: 5 }], [seats(1, 3)]);
    expect(resolveGrants([...layered, { feature: "seats", value: 2, source: "override" }])).toEqual([
      { feature: "seats", value: 2, source: "override" },
    ]);
    // Without an override the add-on's sum stands over the plan's own value.
    expect(resolveGrants(layered)).toEqual([{ feature: "seats", value: 8, source: "add_on" }]);
  });
});

describe("limitsWithAddons", () => {
  const plan = [
    { meter: "api_calls", limit: 1000, enforcement: "hard" as const },
    { meter: "storage", limit: 10, enforcement: "soft" as const },
  ];
  it("adds each add-on's limit times its quantity to the plan's limit on the meter", () => {
    const held: HeldAddon[] = [{ quantity: 2, features: [], limits: [{ meter: "api_calls", limit: 500 }] }];
    expect(limitsWithAddons(plan, held)).toEqual([
      { meter: "api_calls", limit: 2000, enforcement: "hard", source: "add_on" },
      { meter: "storage", limit: 10, enforcement: "soft", source: "plan" },
    ]);
  });
  it("a meter the plan leaves unlimited stays unlimited (no limit is made up)", () => {
    const held: HeldAddon[] = [{ quantity: 1, features: [], limits: [{ meter: "tokens", limit: 5 }] }];
    expect(limitsWithAddons(plan, held).map((l) => l.meter)).toEqual(["api_calls", "storage"]);
  });
});
