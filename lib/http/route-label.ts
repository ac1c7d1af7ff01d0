// The metric label of a request: its route's pattern (`/api/v1/customers/{id}/usage-summary`),
// never the values in the path, so however many ids clients send, the series stay as many as the
// routes. A path whose parameters cannot be placed is `unmatched`, one series for all of them.

export const UNMATCHED = "unmatched";

const decode = (seg: string): string | null => {
  try {
    return decodeURIComponent(seg);
  } catch {
    return null;
  }
};

/**
 * The pattern of `pathname`, given the route's decoded path parameters in the route's order (as
 * Next and the fast path pass them): each segment holding the next parameter's value becomes
 * `{name}`; the others are the route's own literal segments, compared decoded (`%63` is `c`).
 */
export function routePattern(pathname: string, params: Record<string, string | string[]> = {}): string {
  const pending = Object.entries(params);
  const out: string[] = [];
  for (const seg of pathname.split("/")) {
    const text = decode(seg);
    if (text === null) return UNMATCHED;
    const next = pending[0];
    if (next && text === (Array.isArray(next[1]) ? next[1].join("/") : next[1])) {
      out.push(`{${next[0]}}`);
      pending.shift();
    } else out.push(text);
  }
  // Every parameter has its segment; a catch-all, or a value that spans segments, does not fit.
  return pending.length === 0 ? out.join("/") : UNMATCHED;
}
