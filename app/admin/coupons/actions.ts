"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { createCoupon, createPromotionCode, setPromotionCodeActive } from "@/lib/coupons/coupons";
import { ZCouponCreate, ZPromotionCodeCreate } from "@/lib/coupons/schemas";
import { formAction } from "@/lib/http/action";
import { isDecimalString, parseAmountToMinor } from "@/lib/money";

const int = (s: unknown) => (typeof s === "string" && s.trim() !== "" ? Number(s) : undefined);
const text = (s: unknown) => (typeof s === "string" && s.trim() !== "" ? s.trim() : undefined);
/** A date typed in the form (yyyy-mm-dd) as the end of that day, UTC. */
const endOfDay = (s: unknown) => (typeof s === "string" && s ? `${s}T23:59:59Z` : undefined);
/** "10.00" in the currency's major units as minor units; anything else is left for the schema to refuse. */
function minor(amount: unknown, currency: unknown): unknown {
  const a = text(amount);
  if (a === undefined) return undefined;
  if (!isDecimalString(a)) return a;
  try {
    return parseAmountToMinor(a, typeof currency === "string" && currency ? currency : "usd");
  } catch {
    return a;
  }
}
const done = () => revalidatePath("/admin/coupons");

export const createCouponAction = formAction(
  z.preprocess((f) => {
    const r = f as Record<string, string>;
    const amount = minor(r.amount_off, r.currency);
    return {
      code: r.code,
      name: r.name,
      percent_off: text(r.percent_off),
      amount_off_cents: amount,
      currency: amount !== undefined ? r.currency || undefined : undefined,
      duration: r.duration,
      duration_in_months: r.duration === "repeating" ? int(r.duration_in_months) : undefined,
      applies_to: r.applies_to || undefined,
      plan_codes: (r.plan_codes ?? "")
        .split(",")
        .map((x) => x.trim())
        .filter(Boolean),
      max_redemptions: int(r.max_redemptions),
      redeem_by: endOfDay(r.redeem_by),
    };
  }, ZCouponCreate),
  async (input) => {
    const c = await createCoupon(input);
    done();
    return { code: c.code };
  },
  { auth: "admin", message: (c) => `Coupon ${c.code} created.` },
);

export const createPromotionCodeAction = formAction(
  z.preprocess((f) => {
    const r = f as Record<string, string>;
    return {
      coupon_id: r.coupon_id,
      code: r.code,
      expires_at: endOfDay(r.expires_at),
      max_redemptions: int(r.max_redemptions),
      first_time_transaction: r.first_time_transaction === "true",
    };
  }, ZPromotionCodeCreate),
  async (input) => {
    const { promo } = await createPromotionCode(input);
    done();
    return { code: promo.code };
  },
  { auth: "admin", message: (p) => `Promotion code ${p.code} created.` },
);

/** Turns a promotion code off (customers can no longer redeem it; discounts it gave stay) or on again. */
export const setPromotionCodeActiveAction = formAction(
  z.object({ promotion_code_id: z.string().min(1), active: z.enum(["true", "false"]) }),
  async (input) => {
    const { promo } = await setPromotionCodeActive(input.promotion_code_id, input.active === "true");
    done();
    return { code: promo.code, active: promo.active };
  },
  { auth: "admin", message: (p) => `Promotion code ${p.code} ${p.active ? "activated" : "deactivated"}.` },
);
