import { describe, expect, it } from "vitest";
import { isConnectionError, isUniqueViolation } from "./errors";

const err = (props: Record<string, unknown>) => Object.assign(new Error("x"), props);

describe("isConnectionError", () => {
  it.each([
    ["connection refused (socket)", err({ code: "ECONNREFUSED" }), true],
    ["connection reset (socket)", err({ code: "ECONNRESET" }), true],
    ["postgres.js: connection closed", err({ code: "CONNECTION_CLOSED" }), true],
    ["postgres.js: connection ended", err({ code: "CONNECTION_ENDED" }), true],
    ["postgres.js: connect timeout", err({ code: "CONNECT_TIMEOUT" }), true],
    ["admin shutdown 57P01", err({ code: "57P01" }), true],
    ["cannot connect now 57P03 (starting up)", err({ code: "57P03" }), true],
    ["class 08: connection failure 08006", err({ code: "08006" }), true],
    ["wrapped by drizzle (cause)", err({ cause: err({ code: "57P01" }) }), true],
    [
      "a failed connect to several addresses (AggregateError)",
      Object.assign(new AggregateError([err({ code: "ECONNREFUSED" })]), {}),
      true,
    ],
    ["unique violation 23505", err({ code: "23505" }), false],
    ["lock timeout 55P03", err({ code: "55P03" }), false],
    ["query canceled 57014", err({ code: "57014" }), false],
    ["no code", new Error("boom"), false],
    ["not an error", "ECONNREFUSED", false],
  ])("%s → %s", (_, e, expected) => {
    expect(isConnectionError(e)).toBe(expected);
  });

  it("leaves the other classifiers alone", () => {
    expect(isUniqueViolation(err({ code: "ECONNREFUSED" }))).toBe(false);
  });
});
