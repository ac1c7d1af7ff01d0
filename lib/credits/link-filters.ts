// Whether two links of one meter could both match an event. A link's filters map a property to the
// values it accepts; a property a link does not name accepts any value. Two links are disjoint only
// when some property both name has no value in common: then no event can match both. Otherwise an
// event could, and it would spend credits twice — once under each link — so a meter's live links
// must be pairwise disjoint.
export type LinkFilters = Record<string, string[]>;

export function filtersOverlap(a: LinkFilters, b: LinkFilters): boolean {
  for (const [key, values] of Object.entries(a)) {
    const other = b[key];
    if (other === undefined) continue;
    if (!values.some((v) => other.includes(v))) return false;
  }
  return true;
}
