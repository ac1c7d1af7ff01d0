// The fee lines of a subscription's recurring add-ons for a period, billed in advance with the plan
// fee (price × quantity: whole minor units, nothing to round). Coupons discount the plan fee only.
import type { NewLine } from "@/lib/invoices/issue-invoice";
import { formatDate } from "@/lib/format";
import { minorToDecimal } from "@/lib/money";
import type { LiveAddon } from "./live";

export function addonFeeLines(
  held: readonly LiveAddon[],
  period: { start: Date; end: Date },
  currency: string,
): NewLine[] {
  return held
    .filter(({ addon }) => addon.kind === "recurring" && addon.currency === currency)
    .map(({ addon, row }) => ({
      kind: "subscription" as const,
      description: `${addon.name} × ${row.quantity} (${addon.interval === "year" ? "yearly" : "monthly"}), ${formatDate(period.start)} – ${formatDate(period.end)}`,
      quantity: String(row.quantity),
      unitAmount: minorToDecimal(addon.priceCents, currency),
      amountCents: addon.priceCents * row.quantity,
      periodStart: period.start,
      periodEnd: period.end,
      details: { addon_id: addon.id, subscription_addon_id: row.id },
    }));
}
