// The shape a charge must have before anything rates it: the catalog validates plans with this on
// the way in, and the rating engine checks every charge against it once (see compile-charge.ts).
//
// Choices worth knowing:
// - Money and quantities are plain decimal strings ("0.05"): no exponent ("1e5"), no spaces, no
//   thousands separators, never negative. JSON numbers are accepted and turned into strings through
//   String(n) (shortest round trip, so 0.1 stays "0.1"); when that string has an exponent
//   (1e-7 → "1e-7") it is expanded exactly ("0.0000001") instead of being refused.
// - Objects are strict: an unknown key is an error. A misspelt optional field ("flat_ammount")
//   would otherwise be dropped and a fee silently lost.
// - Tier bounds (`up_to`) are positive whole numbers, strictly ascending; only the last tier has
//   up_to null, and it must (it takes everything above the previous tier, so no usage is unpriced).
import { z } from "zod";
import { D, isDecimalString } from "@/lib/money";
import type { Charge } from "./types";

const DECIMAL_MESSAGE = 'must be a plain decimal such as "0.05" (no exponent, spaces or separators)';

function toDecimalString(v: string | number): string {
  if (typeof v === "string") return v;
  const s = String(v);
  // String(n) is the shortest string that round-trips; only its notation needs fixing.
  return /e/i.test(s) ? new D(s).toFixed() : s;
}

/** A non-negative plain decimal; JSON numbers become strings. */
export const ZDecimal = z
  .union([z.string(), z.number()], { error: DECIMAL_MESSAGE })
  .transform(toDecimalString)
  .pipe(
    z.string().superRefine((s, ctx) => {
      if (!isDecimalString(s)) ctx.addIssue({ code: "custom", message: DECIMAL_MESSAGE });
      else if (s.startsWith("-") && !new D(s).isZero())
        ctx.addIssue({ code: "custom", message: "must not be negative" });
    }),
  );

export const ZTier = z.strictObject({
  up_to: z
    .number({ error: "must be a whole number, or null on the last tier" })
    .int("must be a whole number")
    .positive("must be greater than 0")
    .nullable(),
  unit_price: ZDecimal,
  flat_amount: ZDecimal.optional(),
});

/** Tiers in order: up_to strictly ascending, null on the last tier and only there. */
export const ZTiers = z
  .array(ZTier)
  .min(1, "must have at least one tier")
  .superRefine((tiers, ctx) => {
    const last = tiers.length - 1;
    // The highest up_to so far and its tier: each up_to must be above every earlier one.
    let previous: { upTo: number; index: number } | undefined;
    tiers.forEach((tier, i) => {
      const upTo: unknown = tier.up_to;
      const path = [i, "up_to"];
      if (i === last) {
        if (upTo !== null)
          ctx.addIssue({
            code: "custom",
            path,
            message: "the last tier must have up_to null: it takes every unit above the previous tier",
          });
      } else if (upTo === null) {
        ctx.addIssue({ code: "custom", path, message: "only the last tier may have up_to null" });
      }
      if (typeof upTo !== "number") return; // null, or a type error already reported
      if (previous !== undefined && upTo <= previous.upTo) {
        const other = `tiers.${previous.index}.up_to (${previous.upTo})`;
        ctx.addIssue({
          code: "custom",
          path,
          message:
            upTo === previous.upTo
              ? `duplicates ${other}; tiers must not overlap`
              : `must be greater than ${other}; tiers go in ascending order`,
        });
      }
      if (previous === undefined || upTo > previous.upTo) previous = { upTo, index: i };
    });
  });

const usageBase = {
  type: z.literal("usage"),
  meter: z.string().min(1, "must name a meter"),
  name: z.string().min(1).optional(),
  included_quantity: ZDecimal.optional(),
  usage_billing: z.enum(["credits", "both"]).optional(),
};

export const ZPerUnitCharge = z.strictObject({ ...usageBase, model: z.literal("per_unit"), unit_price: ZDecimal });

export const ZPackageCharge = z.strictObject({
  ...usageBase,
  model: z.literal("package"),
  package_size: z
    .number({ error: "must be a whole number" })
    .int("must be a whole number")
    .positive("must be greater than 0"),
  package_price: ZDecimal,
});

export const ZGraduatedCharge = z.strictObject({ ...usageBase, model: z.literal("graduated"), tiers: ZTiers });

export const ZVolumeCharge = z.strictObject({ ...usageBase, model: z.literal("volume"), tiers: ZTiers });

export const ZGroupCharge = z.strictObject({
  ...usageBase,
  model: z.literal("group"),
  group_by: z.string().min(1, "must name the property the prices are keyed by"),
  prices: z.record(z.string(), ZDecimal).refine((p) => Object.keys(p).length > 0, "must price at least one value"),
  default_unit_price: ZDecimal.nullable().optional(),
});

export const ZUsageCharge = z.discriminatedUnion("model", [
  ZPerUnitCharge,
  ZPackageCharge,
  ZGraduatedCharge,
  ZVolumeCharge,
  ZGroupCharge,
]);

export const ZFixedCharge = z.strictObject({
  type: z.literal("fixed"),
  name: z.string().min(1, "must not be empty"),
  amount: ZDecimal,
});

export const ZCharge = z.discriminatedUnion("type", [ZFixedCharge, ZUsageCharge]);

/** What a client may send (decimals as strings or JSON numbers). */
export type ChargeInput = z.input<typeof ZCharge>;
/** What comes out: exactly the `Charge` of types.ts (checked below). */
export type ParsedCharge = z.output<typeof ZCharge>;

// Compile-time proof that the schema and the hand-written vocabulary agree, both ways.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesTypes: Same<ParsedCharge, Charge> = true;
void schemaMatchesTypes;

export type ChargeIssue = { field: string; message: string };

/** Validates one charge; issues name the field by its path ("tiers.1.up_to"). */
export function validateCharge(charge: unknown): { ok: true; charge: Charge } | { ok: false; issues: ChargeIssue[] } {
  const result = ZCharge.safeParse(charge);
  if (result.success) return { ok: true, charge: result.data };
  const issues: ChargeIssue[] = [];
  for (const issue of result.error.issues) {
    const path = issue.path.map(String);
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys)
        issues.push({ field: [...path, key].join("."), message: "is not a field of this charge" });
    } else {
      issues.push({ field: path.join("."), message: issue.message });
    }
  }
  return { ok: false, issues };
}
