// The two parties an invoice names: the seller (the operator's invoicing settings) and the buyer
// (a customer's billing details). Request and response shapes of their endpoints and forms, and the
// snapshot an invoice keeps of both at issue time. No server-only imports.
import { z } from "zod";
import { ZCustomerRef } from "@/lib/credits/schemas";
import { TAX_MODES } from "@/lib/tax/select";
import { TAX_ID_KINDS, validateTaxId } from "./tax-ids";

export const DEFAULT_NUMBER_PREFIX = "TLY-";
export const DEFAULT_CREDIT_NOTE_PREFIX = "CN-";

const line = (max: number) => z.string().trim().max(max);
const ZCountry = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^([A-Z]{2})?$/, "must be a two-letter ISO country code such as DE or US")
  .meta({ example: "DE" });

/** A postal address; every part may be empty (nothing printed). */
export const ZAddressFields = {
  address_line1: line(200).default(""),
  address_line2: line(200).default(""),
  city: line(100).default(""),
  postal_code: line(20).default(""),
  region: line(100).default(""),
  country: ZCountry.default(""),
};

export const ZSellerSettings = z.object({
  legal_name: line(200).default(""),
  ...ZAddressFields,
  tax_id: line(50).default(""),
  support_email: z.union([z.literal(""), z.email("must be an email address")]).default(""),
  invoice_footer: line(500).default(""),
  number_prefix: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z0-9][A-Z0-9-]{0,11}$/, "must be 1 to 12 letters, digits or dashes, starting with a letter or digit")
    .meta({ example: "INV-" })
    .default(DEFAULT_NUMBER_PREFIX),
  /** none: no tax on invoices; tally_rates: the rates at /api/v1/tax-rates (local invoices, and as Stripe tax rates); stripe_tax: Stripe Tax computes it. */
  tax_mode: z.enum(TAX_MODES).default("none"),
  /** Credit notes are numbered in their own sequence under this prefix. */
  credit_note_prefix: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z0-9][A-Z0-9-]{0,11}$/, "must be 1 to 12 letters, digits or dashes, starting with a letter or digit")
    .meta({ example: "CN-" })
    .default(DEFAULT_CREDIT_NOTE_PREFIX),
});
export type SellerSettings = z.infer<typeof ZSellerSettings>;

/** PATCH: only the fields sent change. */
export const ZSellerSettingsPatch = z.object(
  Object.fromEntries(Object.entries(ZSellerSettings.shape).map(([k, s]) => [k, s.unwrap().optional()])) as {
    [K in keyof typeof ZSellerSettings.shape]: z.ZodOptional<ReturnType<(typeof ZSellerSettings.shape)[K]["unwrap"]>>;
  },
);

export const ZTaxId = z
  .object({ type: z.enum(TAX_ID_KINDS), value: z.string().trim().min(1).max(50) })
  .meta({ example: { type: "eu_vat", value: "DE123456789" } })
  .transform((t, ctx) => {
    const r = validateTaxId(t.type, t.value);
    if (!r.ok) {
      ctx.addIssue({ code: "custom", path: ["value"], message: r.message });
      return z.NEVER;
    }
    return { type: t.type, value: r.value };
  });
export type TaxId = z.infer<typeof ZTaxId>;

export const ZBillingDetails = z.object({
  billing_name: line(200).default(""),
  ...ZAddressFields,
  tax_ids: z.array(ZTaxId).max(5).default([]),
});
export type BillingDetails = z.infer<typeof ZBillingDetails>;

export const ZBillingDetailsQuery = z.object(ZCustomerRef);

export const ZBillingDetailsPatch = z.object({
  ...ZCustomerRef,
  billing_name: line(200).optional(),
  address_line1: line(200).optional(),
  address_line2: line(200).optional(),
  city: line(100).optional(),
  postal_code: line(20).optional(),
  region: line(100).optional(),
  country: ZCountry.optional(),
  tax_ids: z.array(ZTaxId).max(5).optional(),
});

export const ZBillingDetailsJson = z.object({
  customer_id: z.string(),
  billing_name: z.string(),
  address_line1: z.string(),
  address_line2: z.string(),
  city: z.string(),
  postal_code: z.string(),
  region: z.string(),
  country: z.string(),
  tax_ids: z.array(z.object({ type: z.enum(TAX_ID_KINDS), value: z.string() })),
});

export const ZSellerSettingsJson = z.object({
  legal_name: z.string(),
  address_line1: z.string(),
  address_line2: z.string(),
  city: z.string(),
  postal_code: z.string(),
  region: z.string(),
  country: z.string(),
  tax_id: z.string(),
  support_email: z.string(),
  invoice_footer: z.string(),
  number_prefix: z.string(),
  tax_mode: z.enum(TAX_MODES),
  credit_note_prefix: z.string(),
});

/** What an invoice keeps of its parties when it is issued: later edits never change it. */
export type InvoiceParties = { seller: SellerSettings; buyer: BillingDetails & { name: string; email: string | null } };

/** An address as printed lines, empty parts left out. */
export function addressLines(a: {
  address_line1: string;
  address_line2: string;
  city: string;
  postal_code: string;
  region: string;
  country: string;
}): string[] {
  const cityLine = [a.postal_code, a.city].filter(Boolean).join(" ");
  return [a.address_line1, a.address_line2, [cityLine, a.region].filter(Boolean).join(", "), a.country].filter(Boolean);
}

/** Rows of tax ids a billing details form offers. */
export const TAX_ID_ROWS = 3;

/** The billing details form: flat fields, tax ids as rows `tax_id_type_N` / `tax_id_value_N` (an empty value drops the row). */
export const ZBillingDetailsForm = z
  .object({
    org_id: z.string().min(1).optional(),
    billing_name: line(200).default(""),
    ...ZAddressFields,
  })
  .catchall(z.string().max(200))
  .transform((f, ctx) => {
    const row = f as Record<string, string | undefined>;
    const tax_ids: TaxId[] = [];
    for (let i = 0; i < TAX_ID_ROWS; i++) {
      const value = row[`tax_id_value_${i}`];
      if (!value) continue;
      const type = (row[`tax_id_type_${i}`] ?? "eu_vat") as TaxId["type"];
      if (!TAX_ID_KINDS.includes(type)) {
        ctx.addIssue({ code: "custom", path: [`tax_id_type_${i}`], message: "Choose a kind of tax id." });
        continue;
      }
      const r = validateTaxId(type, value);
      if (r.ok) tax_ids.push({ type, value: r.value });
      else ctx.addIssue({ code: "custom", path: [`tax_id_value_${i}`], message: `This tax id ${r.message}.` });
    }
    return {
      org_id: f.org_id,
      details: {
        billing_name: f.billing_name,
        address_line1: f.address_line1,
        address_line2: f.address_line2,
        city: f.city,
        postal_code: f.postal_code,
        region: f.region,
        country: f.country,
        tax_ids,
      } satisfies BillingDetails,
    };
  });
