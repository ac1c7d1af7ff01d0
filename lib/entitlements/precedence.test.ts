import { describe, expect, it } from "vitest";
import { resolveGrants, type Grant } from "./precedence";

describe("resolveGrants", () => {
  const cases: { name: string; grants: Grant[]; want: Grant[] }[] = [
    { name: "nothing granted", grants: [], want: [] },
    {
      name: "the plan alone",
      grants: [{ feature: "seats", value: 5, source: "plan" }],
      want: [{ feature: "seats", value: 5, source: "plan" }],
    },
    {
      name: "an add-on beats the plan, whichever comes first",
      grants: [
        { feature: "seats", value: 10, source: "add_on" },
        { feature: "seats", value: 5, source: "plan" },
      ],
      want: [{ feature: "seats", value: 10, source: "add_on" }],
    },
    {
      name: "an override beats an add-on and the plan, even a smaller value",
      grants: [
        { feature: "seats", value: 5, source: "plan" },
        { feature: "seats", value: 10, source: "add_on" },
        { feature: "seats", value: 2, source: "override" },
        { feature: "sso", value: true, source: "plan" },
      ],
      want: [
        { feature: "seats", value: 2, source: "override" },
        { feature: "sso", value: true, source: "plan" },
      ],
    },
    {
      name: "an override can take a boolean away",
      grants: [
        { feature: "sso", value: true, source: "plan" },
        { feature: "sso", value: false, source: "override" },
      ],
      want: [{ feature: "sso", value: false, source: "override" }],
    },
  ];
  it.each(cases)("$name", ({ grants, want }) => expect(resolveGrants(grants)).toEqual(want));
});
