// Text Postgres cannot store, in JSON input: U+0000 (text and jsonb cannot hold it) and lone
// surrogates (a \ud800–\udfff escape without its pair: jsonb refuses the escape, and text would
// store a replacement character instead of what was sent). Either would fail the statement that
// stores it — a 500, and for a batch, every item of it — or change the data. Requests are refused
// up front instead, naming the field: by route() for a whole body, and per item by the usage
// parsers (one bad event never sinks the others).

export const NUL_MESSAGE = "must not contain the NUL character (\\u0000)";
export const SURROGATE_MESSAGE =
  "must be valid Unicode: it holds a lone surrogate (a \\ud800–\\udfff escape without its pair)";

/** A string's first problem for Postgres, or null. */
export function badTextMessage(s: string): string | null {
  if (s.includes("\u0000")) return NUL_MESSAGE;
  if (!s.isWellFormed()) return SURROGATE_MESSAGE;
  return null;
}

/**
 * Whether JSON text may hold such a string: JSON carries U+0000 and lone surrogates only as
 * escapes (UTF-8 cannot encode a lone surrogate), so the walk that names the field runs only when
 * one is there. JSON.stringify writes a lone surrogate as such an escape too.
 */
export const mayHoldBadText = (jsonText: string) =>
  jsonText.includes("\\u") && /\\u(?:0000|[dD][89a-fA-F])/.test(jsonText);

const join = (path: string, k: string | number) => (path ? `${path}.${k}` : String(k));
/** A high surrogate without its low half after it, or a low one without its high half before it. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/** A key as a field name: the characters that made it bad written as escapes (a whole pair stays as it is), so the answer and the log stay valid text. */
export const printableKey = (k: string) =>
  k.replace(/\u0000/g, "\\u0000").replace(LONE_SURROGATE, (c) => `\\u${c.charCodeAt(0).toString(16)}`);

/** The path (`a.b.0`) and the problem of the first key or string under `v` that Postgres cannot store, or null. */
export function badTextPath(v: unknown, path = ""): { field: string; message: string } | null {
  if (typeof v === "string") {
    const message = badTextMessage(v);
    return message ? { field: path, message } : null;
  }
  if (typeof v !== "object" || v === null) return null;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const p = badTextPath(v[i], join(path, i));
      if (p) return p;
    }
    return null;
  }
  for (const k in v) {
    const keyMessage = badTextMessage(k);
    if (keyMessage) return { field: join(path, printableKey(k)), message: keyMessage };
    const p = badTextPath((v as Record<string, unknown>)[k], join(path, k));
    if (p) return p;
  }
  return null;
}
