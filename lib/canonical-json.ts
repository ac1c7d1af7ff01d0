/**
 * JSON with object keys sorted at every level: equal values give equal strings, whatever the key
 * order (jsonb reorders keys). Otherwise it is JSON.stringify's text: toJSON is called, undefined,
 * functions and symbols are left out of objects and written as null in arrays. An object whose keys
 * already come in order and whose values are not objects is JSON.stringify's own output, the
 * common case for event properties, without the per-key work.
 */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "null";
  const toJSON = (v as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") return canonicalJson(toJSON.call(v));
  if (Array.isArray(v)) {
    let out = "[";
    for (let i = 0; i < v.length; i++) out += `${i > 0 ? "," : ""}${canonicalJson(v[i])}`;
    return `${out}]`;
  }
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  let flatAndSorted = true;
  for (let i = 0; i < keys.length; i++) {
    const x = o[keys[i]!];
    if ((typeof x === "object" && x !== null) || (i > 0 && keys[i - 1]! > keys[i]!)) {
      flatAndSorted = false;
      break;
    }
  }
  if (flatAndSorted) return JSON.stringify(o);
  keys.sort();
  let out = "{";
  for (const k of keys) {
    const x = o[k];
    if (x === undefined || typeof x === "function" || typeof x === "symbol") continue;
    if (out.length > 1) out += ",";
    out += `${JSON.stringify(k)}:${canonicalJson(x)}`;
  }
  return `${out}}`;
}
