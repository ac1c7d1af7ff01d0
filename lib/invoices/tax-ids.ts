// Tax id formats by kind (pure: no database). A value is normalized (upper case, no spaces or dots)
// before it is matched; the ABN is checked with its weighted checksum too.

export const TAX_ID_KINDS = ["eu_vat", "gb_vat", "us_ein", "au_abn", "in_gst"] as const;
export type TaxIdKind = (typeof TAX_ID_KINDS)[number];

/** EU VAT numbers by member state prefix (Greece writes EL), as VIES describes them. */
export const EU_VAT_FORMATS: Record<string, RegExp> = {
  AT: /^ATU\d{8}$/,
  BE: /^BE[01]\d{9}$/,
  BG: /^BG\d{9,10}$/,
  CY: /^CY\d{8}[A-Z]$/,
  CZ: /^CZ\d{8,10}$/,
  DE: /^DE\d{9}$/,
  DK: /^DK\d{8}$/,
  EE: /^EE\d{9}$/,
  EL: /^EL\d{9}$/,
  ES: /^ES[A-Z0-9]\d{7}[A-Z0-9]$/,
  FI: /^FI\d{8}$/,
  FR: /^FR[A-HJ-NP-Z0-9]{2}\d{9}$/,
  HR: /^HR\d{11}$/,
  HU: /^HU\d{8}$/,
  IE: /^IE(\d{7}[A-W][A-IW]?|\d[A-Z+*]\d{5}[A-W])$/,
  IT: /^IT\d{11}$/,
  LT: /^LT(\d{9}|\d{12})$/,
  LU: /^LU\d{8}$/,
  LV: /^LV\d{11}$/,
  MT: /^MT\d{8}$/,
  NL: /^NL\d{9}B\d{2}$/,
  PL: /^PL\d{10}$/,
  PT: /^PT\d{9}$/,
  RO: /^RO\d{2,10}$/,
  SE: /^SE\d{10}01$/,
  SI: /^SI\d{8}$/,
  SK: /^SK\d{10}$/,
};

const ABN_WEIGHTS = [10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19];

/** The ABN checksum: subtract 1 from the first digit, weigh the digits, the sum divides by 89. */
export function abnChecksumOk(digits: string): boolean {
  if (!/^\d{11}$/.test(digits)) return false;
  const sum = [...digits].reduce((s, d, i) => s + (Number(d) - (i === 0 ? 1 : 0)) * ABN_WEIGHTS[i]!, 0);
  return sum % 89 === 0;
}

export type TaxIdCheck = { ok: true; value: string } | { ok: false; message: string };

/** The normalized tax id, or why it is not one of its kind (a message for the field). */
export function validateTaxId(kind: TaxIdKind, raw: string): TaxIdCheck {
  const v = raw.toUpperCase().replace(/[\s.]/g, "");
  switch (kind) {
    case "eu_vat": {
      const format = EU_VAT_FORMATS[v.slice(0, 2)];
      if (!format) return { ok: false, message: "must start with an EU country prefix such as DE, FR or EL (Greece)" };
      return format.test(v)
        ? { ok: true, value: v }
        : { ok: false, message: `is not a ${v.slice(0, 2)} VAT number's format` };
    }
    case "gb_vat":
      return /^GB(\d{9}|\d{12}|GD\d{3}|HA\d{3})$/.test(v)
        ? { ok: true, value: v }
        : { ok: false, message: "must be GB followed by 9 or 12 digits" };
    case "us_ein": {
      const m = /^(\d{2})-?(\d{7})$/.exec(v);
      return m ? { ok: true, value: `${m[1]}-${m[2]}` } : { ok: false, message: "must be an EIN such as 12-3456789" };
    }
    case "au_abn": {
      if (!/^\d{11}$/.test(v)) return { ok: false, message: "must be an ABN of 11 digits" };
      return abnChecksumOk(v)
        ? { ok: true, value: v }
        : { ok: false, message: "is not a valid ABN (its checksum fails)" };
    }
    case "in_gst":
      return /^\d{2}[A-Z]{5}\d{4}[A-Z][1-9A-Z]Z[0-9A-Z]$/.test(v)
        ? { ok: true, value: v }
        : { ok: false, message: "must be a 15-character GSTIN such as 27AAPFU0939F1ZV" };
  }
}

export const TAX_ID_LABELS: Record<TaxIdKind, string> = {
  eu_vat: "EU VAT",
  gb_vat: "GB VAT",
  us_ein: "US EIN",
  au_abn: "AU ABN",
  in_gst: "IN GST",
};
