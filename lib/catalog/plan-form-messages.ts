// The plan editor speaks to a person: the API's field messages ("the last tier must have up_to
// null", "Too big: expected number to be <=365") become sentences naming the field as the form
// labels it and saying how to fix it. Pure; shared by the editor's server actions and their tests.
import type { ActionState } from "@/lib/http/action-state";

const TOP_LABELS: Record<string, string> = {
  code: "Code",
  name: "Name",
  tier: "Tier",
  description: "Description",
  interval: "Billing interval",
  base_price: "Base price",
  currency: "Currency",
  trial_days: "Trial",
  included_credits: "Included credits",
  billing_threshold: "Billing threshold",
  self_serve: "Self-serve",
};
const CHARGE_LABELS: Record<string, string> = {
  name: "Name",
  amount: "Amount",
  meter: "Meter",
  model: "Price model",
  unit_price: "Unit price",
  package_size: "Units per package",
  package_price: "Package price",
  included_quantity: "Included free each period",
  group_by: "Property",
  prices: "Prices",
  tiers: "Tiers",
  flat_amount: "Flat fee",
  usage_billing: "Usage billing",
};

function labelFor(path: string[]): string {
  const [head, , field, , tierField] = path;
  if (head === "charges") {
    if (field === "tiers" && tierField) return tierField === "up_to" ? "“Up to”" : (CHARGE_LABELS[tierField] ?? "This");
    if (field === "prices" && path.length > 3) return "Unit price";
    return (field && CHARGE_LABELS[field]) ?? "This";
  }
  if (head === "limits") return field === "limit" ? "Limit" : field === "meter" ? "Meter" : "This";
  return (head && TOP_LABELS[head]) ?? "This";
}

const DAYS = new Set(["trial_days"]);

/** One field's message, as a person reads it beside that field. */
export function planFieldMessage(field: string, message: string): string {
  const path = field.split(".");
  const label = labelFor(path);
  const days = DAYS.has(path[0] ?? "");
  let m: RegExpMatchArray | null;
  if (/last tier must have up_to null/.test(message))
    return "The last tier must have no upper bound — leave “up to” empty.";
  if (/only the last tier may have up_to null/.test(message))
    return "Only the last tier can be left open — enter where this tier ends.";
  if ((m = message.match(/tiers\.(\d+)\.up_to \((\d+)\)/)))
    return `Must be more than tier ${Number(m[1]) + 1}’s “up to” (${m[2]}): tiers go up in order.`;
  if (/already exists/.test(message) && path[0] === "code")
    return "A plan with this code already exists — choose another code.";
  if (/no meter with code/.test(message)) return "Choose a meter from the list.";
  if (/already charged by another charge/.test(message))
    return "This meter already has a charge in this plan — change that charge or remove one.";
  if (/limited twice/.test(message)) return "This meter already has a limit in this plan — remove one.";
  if (/does not group by/.test(message)) return message.replace(/^meter/, "The meter") + ".";
  if ((m = message.match(/(\d+) days or fewer|<=\s*(\d+)|at most (\d+)/))) {
    const n = m[1] ?? m[2] ?? m[3];
    return days ? `${label} must be ${n} days or fewer.` : `${label} must be ${n} or less.`;
  }
  if (/>=\s*0|must not be negative|Too small/.test(message)) return `${label} can’t be negative.`;
  if (/whole number|expected int|expected number|received (null|NaN)/i.test(message))
    return days ? `${label} must be a whole number of days.` : `${label} must be a whole number.`;
  if (/plain decimal|decimal amount/.test(message))
    return `${label} must be an amount such as 0.05 (digits and a dot).`;
  if ((m = message.match(/more than (\d+) decimal places for (\w+)/)))
    return `${label} can have at most ${m[1]} decimals in ${m[2]}.`;
  if (/must not be empty|must name a meter|Too small: expected string/.test(message)) return `${label} is required.`;
  if (/must be greater than 0|must be at least 1|positive/.test(message)) return `${label} must be more than 0.`;
  if (/use lowercase letters/.test(message))
    return `${label}: use lowercase letters, digits and . _ - (starting with a letter or digit).`;
  if (/must price at least one value/.test(message)) return "Price at least one value.";
  if (/is not a field here/.test(message)) return "This is not part of a plan; remove it.";
  const clean = message.replace(/\s*;?\s*change it with (PATCH|POST|PUT) \/api\/\S+/g, "").replace(/\.$/, "");
  return `${label}: ${clean}.`;
}

/** The editor's form-level line: what happened and where to look, never an API path. */
export function planFormError(message: string, hasFieldErrors: boolean): string {
  if (hasFieldErrors) return "The plan was not saved. Fix the fields marked below.";
  return message.replace(/\s*;?\s*change it with (PATCH|POST|PUT) \/api\/\S+/g, ".").replace(/\.\.$/, ".");
}

/** Rewrites a failed action's state for a person; a success passes through. */
export function humanPlanState<T>(state: ActionState<T>): ActionState<T> {
  if (!state || state.ok) return state;
  const fieldErrors = state.fieldErrors
    ? Object.fromEntries(Object.entries(state.fieldErrors).map(([k, v]) => [k, planFieldMessage(k, v)]))
    : undefined;
  const has = !!fieldErrors && Object.keys(fieldErrors).length > 0;
  return { ...state, error: planFormError(state.error, has), fieldErrors };
}
