// The admin's override forms → the API's request (ZOverrideCreate), so a form and a POST are
// validated alike. A price is typed as fields (a unit price, a package, tiers as "1000 @ 0.01,
// rest @ 0.005"); dates are whole UTC days. Issues come back named by the form's fields.
import { z } from "zod";
import { AppError } from "@/lib/http/errors";
import { ZOverrideCreate, type OverrideCreate } from "./schemas";

export type OverrideForm = Record<string, string | undefined>;

/** A feature form's target naming a meter's limit ("limit:api_calls") rather than a boolean or numeric feature. */
export const LIMIT = "limit:";

const blank = (v: string | undefined) => v === undefined || v.trim() === "";
const day = (v: string | undefined) =>
  blank(v) ? undefined : /^\d{4}-\d{2}-\d{2}$/.test(v!.trim()) ? `${v!.trim()}T00:00:00Z` : v;

/** "1000 @ 0.01, rest @ 0.005" → tiers; a part it cannot read is kept as is, for the schema to refuse by its index. */
export function parseTiers(text: string): unknown[] {
  return text
    .split(/[,;\n]/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((part) => {
      const m = /^(rest|above|\d[\d_ ]*)\s*@\s*(\S+)$/i.exec(part);
      if (!m) return { up_to: part, unit_price: "" };
      const upTo = /^\d/.test(m[1]!) ? Number(m[1]!.replace(/[_ ]/g, "")) : null;
      return { up_to: upTo, unit_price: m[2] };
    });
}

function priceOf(f: OverrideForm): Record<string, unknown> {
  const model = f.model ?? "per_unit";
  const included = blank(f.included) ? {} : { included_quantity: f.included!.trim() };
  if (model === "package")
    return { model, package_size: Number(f.package_size), package_price: f.price?.trim() ?? "", ...included };
  if (model === "graduated" || model === "volume") return { model, tiers: parseTiers(f.tiers ?? ""), ...included };
  return { model, unit_price: f.price?.trim() ?? "", ...included };
}

function featureValueOf(f: OverrideForm): Record<string, unknown> {
  const v = (f.value ?? "").trim().toLowerCase();
  if (f.target?.startsWith(LIMIT))
    return { limit: v === "unlimited" || v === "" ? null : Number(v), enforcement: f.enforcement ?? "hard" };
  if (v === "on" || v === "true" || v === "yes") return { value: true };
  if (v === "off" || v === "false" || v === "no") return { value: false };
  return { value: v === "" ? Number.NaN : Number(v) };
}

/** Which form field an API issue names. */
function formField(path: string): string {
  if (path === "value.unit_price" || path === "value.package_price") return "price";
  if (path.startsWith("value.tiers")) return "tiers";
  if (path === "value.package_size") return "package_size";
  if (path === "value.included_quantity") return "included";
  if (path === "value.credits" || path === "value.days" || path.startsWith("value")) return "value";
  if (path === "starts_at") return "starts";
  if (path === "ends_at") return "ends";
  return path;
}

/** The request the form makes; a 400 with each issue on its form field when it is not one. */
export function overrideFromForm(f: OverrideForm): OverrideCreate {
  const kind = f.kind;
  const span = { reason: f.reason ?? "", starts_at: day(f.starts), ends_at: day(f.ends) ?? null };
  const body =
    kind === "charge_price"
      ? { kind, target: f.target, value: priceOf(f), ...span }
      : kind === "feature"
        ? { kind, target: f.target?.replace(LIMIT, ""), value: featureValueOf(f), ...span }
        : kind === "included_credits"
          ? { kind, value: { credits: blank(f.value) ? Number.NaN : Number(f.value) }, ...span }
          : { kind, value: { days: blank(f.value) ? Number.NaN : Number(f.value) }, ...span };
  const r = ZOverrideCreate.safeParse(body);
  if (r.success) return r.data;
  throw formError(r.error);
}

export function formError(e: z.ZodError): AppError {
  const details = e.issues.map((i) => ({ field: formField(i.path.map(String).join(".")), message: i.message }));
  return new AppError("validation_error", "Check the highlighted fields.", details);
}

/** An API field named in an AppError from createOverride (target, value, ends_at) → the form's field. */
export const formFieldOf = formField;
