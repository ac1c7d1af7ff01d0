// Request and response shapes of tax rates and the tax report (zod; the OpenAPI document is built from them).
import { z } from "zod";
import { D, isDecimalString } from "@/lib/money";
import { ZPage } from "@/lib/http/schemas";

const ZCountryCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{2}$/, "must be a two-letter ISO country code such as DE or US")
  .meta({ example: "DE" });

export const ZTaxRateCreate = z
  .strictObject({
    country: ZCountryCode,
    /** A state or province code; omit (or null) for the whole country. */
    region: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z0-9-]{1,10}$/, "must be a region code such as CA or QC (letters, digits, dashes)")
      .nullish()
      .transform((r) => r ?? null),
    name: z.string().trim().min(1, "must not be empty").max(50),
    percentage: z
      .string()
      .trim()
      .refine(isDecimalString, "must be a decimal number such as 20 or 8.875")
      .refine((s) => isDecimalString(s) && new D(s).gte(0) && new D(s).lt(100), "must be at least 0 and less than 100")
      .refine((s) => !isDecimalString(s) || new D(s).decimalPlaces() <= 4, "must have at most 4 decimal places")
      .transform((s) => new D(s).toString()),
    inclusive: z.boolean().default(false),
  })
  .meta({ example: { country: "DE", name: "VAT", percentage: "19", inclusive: false } });
export type TaxRateCreate = z.infer<typeof ZTaxRateCreate>;

/** PATCH: archive (active false) or bring back, rename. A rate's figures never change: archive it and create another. */
export const ZTaxRatePatch = z
  .strictObject({
    active: z.boolean().optional(),
    name: z.string().trim().min(1, "must not be empty").max(50).optional(),
  })
  .meta({ example: { active: false } });

export const ZTaxRateJson = z.strictObject({
  object: z.literal("tax_rate"),
  id: z.string(),
  country: z.string(),
  region: z.string().nullable(),
  name: z.string(),
  percentage: z.string(),
  inclusive: z.boolean(),
  active: z.boolean(),
  stripe_tax_rate_id: z.string().nullable(),
  created_at: z.string(),
});
export type TaxRateJson = z.infer<typeof ZTaxRateJson>;
export const ZTaxRatePage = ZPage(ZTaxRateJson);

const ZDay = z.iso.date("must be a date such as 2026-01-31");
export const ZTaxReportQuery = z
  .object({
    from: ZDay,
    to: ZDay,
    format: z.enum(["json", "csv"]).default("json"),
  })
  .refine((q) => q.from <= q.to, { path: ["to"], message: "must not be before from" });

export const ZTaxReportRow = z.object({
  country: z.string(),
  region: z.string().nullable(),
  name: z.string(),
  percentage: z.string(),
  inclusive: z.boolean(),
  currency: z.string(),
  net_cents: z.number().int(),
  tax_cents: z.number().int(),
  gross_cents: z.number().int(),
  reverse_charge_net_cents: z.number().int(),
  invoice_count: z.number().int(),
  /** Credit notes issued in the period: their net and tax are taken off the row's. */
  credit_note_count: z.number().int(),
});
export type TaxReportRow = z.infer<typeof ZTaxReportRow>;
export const ZTaxReport = z.object({ from: z.string(), to: z.string(), data: z.array(ZTaxReportRow) });

/** The admin form: flat strings (an empty region is the whole country, the checkbox sends "on"). */
export const ZTaxRateForm = z.preprocess((raw) => {
  const f = (raw ?? {}) as Record<string, unknown>;
  const region = typeof f.region === "string" ? f.region.trim() : "";
  return {
    country: f.country,
    region: region || null,
    name: f.name,
    percentage: f.percentage,
    inclusive: f.inclusive === "on" || f.inclusive === "true" || f.inclusive === true,
  };
}, ZTaxRateCreate);
