// One formatter per kind of figure (lib/format.ts): what a person reads on every page.
import { describe, expect, it } from "vitest";
import {
  formatAmount,
  formatCard,
  formatCardBrand,
  formatCardExpiry,
  formatDate,
  formatDateRange,
  formatDateTime,
  formatMoney,
  formatPaymentMethodLabel,
  formatSignedMoney,
  formatUnitPrice,
} from "@/lib/format";

describe("money", () => {
  it("writes minor units to the cent, negatives with a minus sign", () => {
    expect(formatMoney(76587, "usd")).toBe("$765.87");
    expect(formatMoney(-20000, "usd")).toBe("−$200.00");
    expect(formatMoney(1500, "jpy")).toBe("¥1,500");
    expect(formatMoney(1234, "kwd")).toBe("KWD\u00a01.234");
    expect(formatSignedMoney(2900, "usd")).toBe("+$29.00");
    expect(formatSignedMoney(0, "usd")).toBe("$0.00");
    expect(formatSignedMoney(-9900, "usd")).toBe("−$99.00");
  });

  it("rounds an exact amount once, half-up, to the cent: never four decimals", () => {
    expect(formatAmount("0.5451", "usd")).toBe("$0.55");
    expect(formatAmount("0.545", "usd")).toBe("$0.55");
    expect(formatAmount("0.0378", "usd")).toBe("$0.04");
    expect(formatAmount("1234.5649", "usd")).toBe("$1,234.56");
    expect(formatAmount("0", "usd")).toBe("$0.00");
    expect(formatAmount("-3.005", "usd")).toBe("−$3.01");
  });

  it("says an amount below a cent is there instead of showing $0.00", () => {
    expect(formatAmount("0.0034", "usd")).toBe("< $0.01");
    expect(formatAmount("-0.0034", "usd")).toBe("> −$0.01");
  });

  it("writes a unit price with every decimal it has, always per unit", () => {
    expect(formatUnitPrice("0.0005", "usd", "call")).toBe("$0.0005 / call");
    expect(formatUnitPrice("0.00003", "usd", "token")).toBe("$0.00003 / token");
    expect(formatUnitPrice("0.5", "usd", "1,000")).toBe("$0.50 / 1,000");
    expect(formatUnitPrice("29", "usd", "period")).toBe("$29.00 / period");
  });
});

describe("dates", () => {
  it("writes a day one way, in UTC", () => {
    expect(formatDate("2026-12-21T22:55:40Z")).toBe("Dec 21, 2026");
    expect(formatDate("2026-12-21T23:59:59-05:00")).toBe("Dec 22, 2026");
    expect(formatDate(null)).toBe("—");
    expect(formatDateTime("2026-12-21T14:30:00Z")).toBe("Dec 21, 2026, 02:30 PM UTC");
  });

  it("writes a half-open range as the days it covers", () => {
    // A calendar month ends where the next begins: that day is not part of it.
    expect(formatDateRange("2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z")).toBe("Dec 1 – Dec 31, 2026");
    // A billing period renewing at 22:55 on the 21st includes part of the 21st.
    expect(formatDateRange("2026-11-21T22:55:00Z", "2026-12-21T22:55:00Z")).toBe("Nov 21 – Dec 21, 2026");
    expect(formatDateRange("2026-12-21T00:00:00Z", "2027-01-21T00:00:00Z")).toBe("Dec 21, 2026 – Jan 20, 2027");
    expect(formatDateRange("2026-12-21T00:00:00Z", "2026-12-22T00:00:00Z")).toBe("Dec 21, 2026");
  });
});

describe("cards", () => {
  it("names a brand as its owner writes it, whatever the provider sent", () => {
    expect(formatCardBrand("visa")).toBe("Visa");
    expect(formatCardBrand("Visa")).toBe("Visa");
    expect(formatCardBrand("amex")).toBe("American Express");
    expect(formatCardBrand("mastercard")).toBe("Mastercard");
    expect(formatCard("visa", "4242")).toBe("Visa •••• 4242");
  });

  it("writes a stored label's brand the same way, and leaves other methods as they are", () => {
    expect(formatPaymentMethodLabel("visa •••• 4242")).toBe("Visa •••• 4242");
    expect(formatPaymentMethodLabel("Bank transfer · REF-1")).toBe("Bank transfer · REF-1");
    expect(formatPaymentMethodLabel(null)).toBe("—");
  });

  it("writes the expiry as printed on the card", () => {
    expect(formatCardExpiry(12, 2030)).toBe("12/30");
    expect(formatCardExpiry(8, 2028)).toBe("08/28");
    expect(formatCardExpiry(null, 2028)).toBe("—");
  });
});
