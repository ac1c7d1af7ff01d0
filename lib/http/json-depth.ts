// How deep JSON input may nest. JSON.parse reads any depth, but what walks the value afterwards —
// canonical JSON for event properties, JSON.stringify when it is stored or echoed — recurses, and
// properties nested 20,000 deep overflowed the stack (a 500). No billing input needs more than a
// few levels; 32 leaves room for any real one.

import { printableKey } from "./nul";

export const MAX_JSON_DEPTH = 32;
export const tooDeepMessage = (max: number) => `is nested deeper than ${max} levels`;
export const TOO_DEEP_MESSAGE = tooDeepMessage(MAX_JSON_DEPTH);

/**
 * The path (`a.b.0`) of the first object or array nested deeper than `max` levels (the value
 * itself is level 1), or null. It never descends past `max`, so it is safe on any input.
 */
export function tooDeepPath(v: unknown, max = MAX_JSON_DEPTH, path = ""): string | null {
  const found = deeper(v, max);
  return found ? [path, ...found].filter(Boolean).join(".") || "(body)" : null;
}

/** The keys down to the first too-deep value, built on the way back up (no string work on the way down). */
function deeper(v: unknown, left: number): string[] | null {
  if (typeof v !== "object" || v === null) return null;
  if (left === 0) return [];
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      if (typeof x !== "object" || x === null) continue;
      const p = deeper(x, left - 1);
      if (p) return [String(i), ...p];
    }
    return null;
  }
  for (const k in v) {
    const x = (v as Record<string, unknown>)[k];
    if (typeof x !== "object" || x === null) continue;
    const p = deeper(x, left - 1);
    if (p) return [printableKey(k), ...p]; // a key Postgres cannot store is named as the text checks name it
  }
  return null;
}
