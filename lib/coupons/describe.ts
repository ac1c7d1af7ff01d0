// A coupon's terms in words for a person ("20 % off the plan for 3 months"): the admin's lists, the
// billing page, the checkout. Pure; money through lib/format.
import type { Coupon } from "@/lib/db/schema";
import { dec } from "@/lib/money";
import { formatDate, formatMoney } from "@/lib/format";

type Terms = Pick<Coupon, "percentOff" | "amountOffCents" | "currency" | "duration" | "durationInMonths" | "appliesTo">;

export function couponAmountLabel(c: Terms): string {
  return c.percentOff !== null
    ? `${dec(c.percentOff).toFixed()} % off`
    : `${formatMoney(c.amountOffCents ?? 0, c.currency ?? "usd")} off`;
}

export function couponTermsLabel(c: Terms): string {
  const what = c.appliesTo === "all" ? "every line" : "the plan";
  const when =
    c.duration === "once"
      ? "for one period"
      : c.duration === "forever"
        ? "forever"
        : `for ${c.durationInMonths} month${c.durationInMonths === 1 ? "" : "s"}`;
  return `${couponAmountLabel(c)} ${what} ${when}`;
}

/** "until 28 Apr 2026" / "on every invoice" for a live discount. */
export const discountEndLabel = (endsAt: Date | null) =>
  endsAt ? `on invoices until ${formatDate(endsAt)}` : "on every invoice";
