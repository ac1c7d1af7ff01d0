import { describe, expect, it } from "vitest";
import { abnChecksumOk, validateTaxId, type TaxIdKind } from "./tax-ids";

const valid: [TaxIdKind, string, string][] = [
  ["eu_vat", "DE123456789", "DE123456789"],
  ["eu_vat", "de 123 456 789", "DE123456789"],
  ["eu_vat", "ATU12345678", "ATU12345678"],
  ["eu_vat", "FRXX123456789", "FRXX123456789"],
  ["eu_vat", "NL123456789B01", "NL123456789B01"],
  ["eu_vat", "EL123456789", "EL123456789"],
  ["eu_vat", "ESX1234567X", "ESX1234567X"],
  ["eu_vat", "IE1234567WA", "IE1234567WA"],
  ["eu_vat", "BE0123456789", "BE0123456789"],
  ["gb_vat", "GB123456789", "GB123456789"],
  ["gb_vat", "GB123456789012", "GB123456789012"],
  ["us_ein", "12-3456789", "12-3456789"],
  ["us_ein", "123456789", "12-3456789"],
  ["au_abn", "51 824 753 556", "51824753556"],
  ["in_gst", "27AAPFU0939F1ZV", "27AAPFU0939F1ZV"],
];

const invalid: [TaxIdKind, string, RegExp][] = [
  ["eu_vat", "DE12345678", /DE VAT/],
  ["eu_vat", "GR123456789", /EU country prefix/],
  ["eu_vat", "US123456789", /EU country prefix/],
  ["eu_vat", "ATU1234567", /AT VAT/],
  ["eu_vat", "NL123456789X01", /NL VAT/],
  ["gb_vat", "GB12345678", /GB followed/],
  ["gb_vat", "123456789", /GB followed/],
  ["us_ein", "12-345678", /EIN/],
  ["us_ein", "AB-3456789", /EIN/],
  ["au_abn", "51824753557", /checksum/],
  ["au_abn", "5182475355", /11 digits/],
  ["in_gst", "27AAPFU0939F1XV", /GSTIN/],
  ["in_gst", "27AAPFU0939F1Z", /GSTIN/],
];

describe("tax id validation", () => {
  it.each(valid)("%s %s is valid as %s", (kind, raw, normalized) => {
    expect(validateTaxId(kind, raw)).toEqual({ ok: true, value: normalized });
  });
  it.each(invalid)("%s %s is refused", (kind, raw, message) => {
    const r = validateTaxId(kind, raw);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });
  it("checks the ABN checksum", () => {
    expect(abnChecksumOk("51824753556")).toBe(true);
    expect(abnChecksumOk("53004085616")).toBe(true);
    expect(abnChecksumOk("53004085617")).toBe(false);
  });
});
