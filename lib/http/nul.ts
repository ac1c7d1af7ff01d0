// U+0000 in JSON input. Postgres text and jsonb cannot hold it, so a string or key carrying it
// would fail the statement that stores it — a 500, and for a batch, every item of it. Requests are
// refused up front instead, naming the field: by route() for a whole body, and per item by the
// usage parsers (one bad event never sinks the others).

export const NUL_MESSAGE = "must not contain the NUL character (\\u0000)";

const join = (path: string, k: string | number) => (path ? `${path}.${k}` : String(k));

/** The path (`a.b.0`) of the first key or string under `v` that holds U+0000, or null. */
export function nulPath(v: unknown, path = ""): string | null {
  if (typeof v === "string") return v.includes("\u0000") ? path : null;
  if (typeof v !== "object" || v === null) return null;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const p = nulPath(v[i], join(path, i));
      if (p) return p;
    }
    return null;
  }
  for (const k in v) {
    if (k.includes("\u0000")) return join(path, k.replace(/\u0000/g, "\\u0000"));
    const p = nulPath((v as Record<string, unknown>)[k], join(path, k));
    if (p) return p;
  }
  return null;
}

