// What one event adds to each meter that reads it: pure, no database. Meters are platform-wide,
// so this depends only on the event and the catalog, never on the customer.
//
// Rules:
// - A meter reads an event when the event name matches and every filter matches: the property's
//   value (as text) is in the filter's list. An empty list filters nothing.
// - count: the event counts once. sum / max / latest: the property must be a number or a numeric
//   string ("12", "5.5", "-3", "1e3" — the FlexPrice SDK sends every property as a string);
//   anything else rejects the event naming the property. A missing (or null) property adds
//   nothing to that meter, as in Lago and FlexPrice. A negative value rejects the event on a sum
//   meter unless the meter allows negatives (corrections): otherwise a sender could cut its own
//   usage, and its bill, below what it used.
// - unique_count: the property's value as text (numbers as their shortest form); missing adds nothing.
// - group_by: the group key is the canonical JSON of the meter's group_by properties, in the
//   meter's order, each value as text or null when missing: {"model":"gpt-4"}; {} when the meter
//   does not group.
import { D } from "@/lib/money";
import type { MeterDef } from "./meters";

/** `latest` marks latest meters: only their rows pay for finding the latest value in a batch. */
export type Contribution = { meterId: string; groupKey: string; value: string | null; latest?: boolean };
export type UniqueContribution = { meterId: string; groupKey: string; value: string };
export type ItemError = { field: string; message: string };

export type Contributions =
  { ok: true; rollups: Contribution[]; uniques: UniqueContribution[] } | { ok: false; error: ItemError };

const PLAIN_DECIMAL = /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/;
const NUMERIC = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
/** Numbers beyond this are refused rather than stored: no real usage is that large. */
const MAX_ABS = new D("1e30");
const MAX_UNIQUE_VALUE_LENGTH = 500;

/** A property value as a plain decimal string, null when missing, or an error message. */
export function numericValue(v: unknown): { value: string | null } | { error: string } {
  if (v === undefined || v === null) return { value: null };
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return { error: "must be a finite number" };
    if (Number.isSafeInteger(v)) return { value: String(v) };
    return bounded(new D(String(v)));
  }
  if (typeof v === "string") {
    if (PLAIN_DECIMAL.test(v) && v.length <= 31) return { value: v };
    if (!NUMERIC.test(v))
      return {
        error: `must be a number or a numeric string, got ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`,
      };
    return bounded(new D(v));
  }
  return { error: `must be a number or a numeric string, got ${Array.isArray(v) ? "an array" : typeof v}` };
}

function bounded(d: InstanceType<typeof D>): { value: string } | { error: string } {
  if (d.abs().gt(MAX_ABS)) return { error: "is out of range (absolute value above 1e30)" };
  return { value: d.toFixed() };
}

/** A plain decimal string below zero ("-0" and "-0.0" are zero). */
const isNegative = (plain: string) => plain.charCodeAt(0) === 45 /* - */ && /[1-9]/.test(plain);

/** A property value as the text filters, groups and unique counts compare. */
export function textValue(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v);
}

export function matchesFilters(filters: Record<string, string[]>, properties: Record<string, unknown>): boolean {
  for (const key in filters) {
    const allowed = filters[key];
    if (!allowed || allowed.length === 0) continue;
    const v = textValue(properties[key]);
    if (v === null || !allowed.includes(v)) return false;
  }
  return true;
}

export function groupKeyOf(groupBy: string[], properties: Record<string, unknown>): string {
  if (groupBy.length === 0) return "{}";
  const out: Record<string, string | null> = {};
  for (const key of groupBy) out[key] = textValue(properties[key]);
  return JSON.stringify(out);
}

/** The group values of a stored group key. */
export function parseGroupKey(key: string): Record<string, string | null> {
  if (!key || key === "{}") return {};
  try {
    return JSON.parse(key) as Record<string, string | null>;
  } catch {
    return {};
  }
}

export function contributionsOf(meters: MeterDef[], properties: Record<string, unknown>): Contributions {
  const rollups: Contribution[] = [];
  const uniques: UniqueContribution[] = [];
  for (const meter of meters) {
    if (!matchesFilters(meter.filters, properties)) continue;
    const groupKey = groupKeyOf(meter.groupBy, properties);
    switch (meter.aggregation) {
      case "count":
        rollups.push({ meterId: meter.id, groupKey, value: null });
        break;
      case "sum":
      case "max":
      case "latest": {
        const r = numericValue(meter.property ? properties[meter.property] : undefined);
        if ("error" in r)
          return {
            ok: false,
            error: {
              field: `properties.${meter.property}`,
              message: `${r.error} (meter ${meter.code} takes the ${meter.aggregation} of it)`,
            },
          };
        if (meter.aggregation === "sum" && !meter.allowNegative && r.value !== null && isNegative(r.value)) {
          return {
            ok: false,
            error: {
              field: `properties.${meter.property}`,
              message: `must not be negative (meter ${meter.code} sums it and does not accept negative values; a meter created with allow_negative does)`,
            },
          };
        }
        if (r.value !== null)
          rollups.push(
            meter.aggregation === "latest"
              ? { meterId: meter.id, groupKey, value: r.value, latest: true }
              : { meterId: meter.id, groupKey, value: r.value },
          );
        break;
      }
      case "unique_count": {
        const v = textValue(meter.property ? properties[meter.property] : undefined);
        if (v === null) break;
        if (v.length > MAX_UNIQUE_VALUE_LENGTH)
          return {
            ok: false,
            error: {
              field: `properties.${meter.property}`,
              message: `is longer than ${MAX_UNIQUE_VALUE_LENGTH} characters (meter ${meter.code} counts its distinct values)`,
            },
          };
        uniques.push({ meterId: meter.id, groupKey, value: v });
        break;
      }
    }
  }
  return { ok: true, rollups, uniques };
}
