import { describe, expect, it } from "vitest";
import { canonicalJson } from "./canonical-json";

describe("canonicalJson", () => {
  it("sorts keys at every level, so key order never changes the text", () => {
    expect(canonicalJson({ b: 1, a: [{ y: 1, x: 2 }] })).toBe('{"a":[{"x":2,"y":1}],"b":1}');
    expect(canonicalJson({ model: "gpt-4", input_tokens: "812" })).toBe(
      canonicalJson({ input_tokens: "812", model: "gpt-4" }),
    );
    // Integer-like keys, which objects keep in numeric order, are sorted as text too.
    expect(canonicalJson({ 2: "b", 10: "a", x: 1 })).toBe('{"10":"a","2":"b","x":1}');
  });

  it("writes an object already in order as JSON.stringify does", () => {
    const flat = { a: "1", b: 2, c: null, d: true, e: 'é \u0001 "q" \\' };
    expect(canonicalJson(flat)).toBe(JSON.stringify(flat));
  });

  it("reads back as the value JSON.stringify gives, whatever the input holds", () => {
    const when = new Date("2026-11-30T12:00:00Z");
    const odd = {
      z: undefined,
      y: () => 1,
      x: [undefined, () => 1, NaN, when],
      w: when,
      v: { b: Infinity, a: -0 },
      u: Symbol("s"),
    };
    expect(JSON.parse(canonicalJson(odd))).toEqual(JSON.parse(JSON.stringify(odd)));
    expect(canonicalJson(odd)).toBe(
      '{"v":{"a":0,"b":null},"w":"2026-11-30T12:00:00.000Z","x":[null,null,null,"2026-11-30T12:00:00.000Z"]}',
    );
    expect(canonicalJson(undefined)).toBe("null");
    expect(canonicalJson({ a: undefined })).toBe("{}");
  });
});
