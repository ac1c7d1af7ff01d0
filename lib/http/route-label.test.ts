import { describe, expect, it } from "vitest";
import { routePattern, UNMATCHED } from "./route-label";

describe("routePattern", () => {
  it.each([
    ["/api/v1/customers", {}, "/api/v1/customers"],
    ["/api/v1/customers/acme-42/usage-summary", { id: "acme-42" }, "/api/v1/customers/{id}/usage-summary"],
    ["/api/v1/calls/call%2Fa%20b/finalize-cost", { call_id: "call/a b" }, "/api/v1/calls/{call_id}/finalize-cost"],
    // A literal segment spelled with escapes is the same route, not a new series.
    ["/api/v1/%63ustomers/x/usage-summary", { id: "x" }, "/api/v1/customers/{id}/usage-summary"],
    ["/api/v1/plans/sync/p1", { plan_id: "p1" }, "/api/v1/plans/sync/{plan_id}"],
    ["/api/v1/customers/%ZZ/usage-summary", { id: "%ZZ" }, UNMATCHED],
    ["/api/v1/customers/a/usage-summary", { id: "b" }, UNMATCHED],
  ] as const)("%s → %s", (path, params, label) => {
    expect(routePattern(path, params)).toBe(label);
  });
});
