// Which grant of a feature wins when several apply: an operator's override beats an add-on, an
// add-on beats the plan. Pure; the entitlement reads feed it every grant they find.
export const GRANT_SOURCES = ["override", "add_on", "plan"] as const;
export type GrantSource = (typeof GRANT_SOURCES)[number];

export type Grant = { feature: string; value: boolean | number | null; source: GrantSource };

const rank = (s: GrantSource) => GRANT_SOURCES.indexOf(s);

/** One grant per feature, the highest source's; the order of first appearance is kept. */
export function resolveGrants(grants: readonly Grant[]): Grant[] {
  const winners = new Map<string, Grant>();
  for (const g of grants) {
    const held = winners.get(g.feature);
    if (!held || rank(g.source) < rank(held.source)) winners.set(g.feature, g);
  }
  return [...winners.values()];
}
