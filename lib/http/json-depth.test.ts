import { describe, expect, it } from "vitest";
import { tooDeepPath } from "./json-depth";

const nest = (depth: number, key = "a"): unknown => (depth === 0 ? 1 : { [key]: nest(depth - 1, key) });

describe("tooDeepPath", () => {
  it("accepts 32 levels and names the path of the first value past them", () => {
    expect(tooDeepPath(nest(32))).toBeNull();
    expect(tooDeepPath({ ok: 1, deep: nest(32) })).toBe(`deep${".a".repeat(31)}`);
  });

  it("names a key holding a lone surrogate as the text checks do, escaped, so the 400 names the field sent", () => {
    const key = "k\udfff";
    expect(tooDeepPath({ [key]: nest(32) })).toBe(`k\\udfff${".a".repeat(31)}`);
  });
});
