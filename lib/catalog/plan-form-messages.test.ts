import { describe, expect, it } from "vitest";
import { humanPlanState, planFieldMessage } from "./plan-form-messages";

describe("the plan editor's messages", () => {
  it.each([
    ["trial_days", "must be 365 days or fewer", "Trial must be 365 days or fewer."],
    ["trial_days", "Too big: expected number to be <=365", "Trial must be 365 days or fewer."],
    ["trial_days", "Invalid input: expected number, received null", "Trial must be a whole number of days."],
    [
      "charges.0.tiers.2.up_to",
      "the last tier must have up_to null: it takes every unit above the previous tier",
      "The last tier must have no upper bound — leave “up to” empty.",
    ],
    [
      "charges.0.tiers.1.up_to",
      "only the last tier may have up_to null",
      "Only the last tier can be left open — enter where this tier ends.",
    ],
    [
      "charges.1.tiers.1.up_to",
      "must be greater than tiers.0.up_to (1000); tiers go in ascending order",
      "Must be more than tier 1’s “up to” (1000): tiers go up in order.",
    ],
    ["code", "already exists", "A plan with this code already exists — choose another code."],
    ["charges.0.meter", 'no meter with code "x"', "Choose a meter from the list."],
    [
      "charges.0.unit_price",
      'must be a plain decimal such as "0.05" (no exponent, spaces or separators)',
      "Unit price must be an amount such as 0.05 (digits and a dot).",
    ],
    ["base_price", "has more than 2 decimal places for USD", "Base price can have at most 2 decimals in USD."],
    ["name", "must not be empty", "Name is required."],
  ])("%s: %s", (field, raw, human) => {
    expect(planFieldMessage(field, raw)).toBe(human);
  });

  it("never shows an API path to a person", () => {
    const state = humanPlanState({
      ok: false,
      error: 'A plan with code "pro" already exists; change it with PATCH /api/v1/plans/plan_1.',
      fieldErrors: { code: "already exists" },
    });
    expect(JSON.stringify(state)).not.toMatch(/PATCH|\/api\//);
    expect(state).toMatchObject({ error: "The plan was not saved. Fix the fields marked below." });
    expect(humanPlanState({ ok: false, error: "Taken; change it with PATCH /api/v1/plans/p." })).toMatchObject({
      error: "Taken.",
    });
  });
});
