// Request and answer of adopting an existing Stripe account (POST /api/v1/admin/stripe/adopt).
import { z } from "zod";

const ZStripeCustomerId = z
  .string()
  .trim()
  .regex(/^cus_[A-Za-z0-9_]+$/, "must be a Stripe customer id (cus_…)");

/** The operator's choice for one Stripe customer: a Tally customer, a new one, or (neither) the automatic match. */
export const ZAdoptChoice = z
  .strictObject({
    stripe_customer_id: ZStripeCustomerId,
    customer_id: z.string().trim().min(1).max(200).optional(),
    create: z.literal(true).optional(),
  })
  .refine((c) => !(c.customer_id && c.create), {
    message: "give customer_id or create: true, not both",
    path: ["create"],
  });

export const ZAdoptRequest = z.strictObject({
  dry_run: z.boolean(),
  customers: z
    .array(ZAdoptChoice)
    .min(1, "name at least one customer, or leave customers out to adopt every Stripe customer")
    .max(500)
    .refine((l) => new Set(l.map((c) => c.stripe_customer_id)).size === l.length, "names a Stripe customer twice")
    .optional(),
});
export type AdoptRequest = z.infer<typeof ZAdoptRequest>;

export const MATCHED_BY = [
  "already_linked",
  "metadata.tally_org_id",
  "metadata.tally_customer_id",
  "metadata.tally_external_id",
  "email",
  "owner_email",
  "operator",
  "create",
] as const;
export type MatchedBy = (typeof MATCHED_BY)[number];

/**
 * ready: a dry run would adopt it; adopted: done now; unchanged: adopted before, nothing new;
 * unmatched: no Tally customer found (choose one or create); conflict: would overwrite a link;
 * blocked: a subscription Tally cannot take yet (its price is no plan: sync plans first).
 */
export const ADOPT_STATUSES = ["ready", "adopted", "unchanged", "unmatched", "conflict", "blocked"] as const;
export type AdoptStatus = (typeof ADOPT_STATUSES)[number];

/** adopt_history / adopted_history: a subscription that ended at Stripe, brought as history (its months in MRR and churn). */
export const SUBSCRIPTION_ADOPT_OUTCOMES = [
  "adopt",
  "adopted",
  "adopt_history",
  "adopted_history",
  "already_adopted",
  "unknown_price",
  "unsupported",
  "not_adopted",
] as const;

export const ZAdoptedSubscriptionJson = z.strictObject({
  stripe_subscription_id: z.string(),
  status: z.string().describe("Stripe's status"),
  price_ids: z.array(z.string()),
  plan_id: z.string().nullable(),
  plan_name: z.string().nullable(),
  current_period_start: z.string().nullable(),
  current_period_end: z.string().nullable(),
  trial_end: z.string().nullable(),
  cancel_at_period_end: z.boolean(),
  /** When it began at Stripe, and when it ended (null while it lives). */
  started_at: z.string().nullable(),
  ended_at: z.string().nullable(),
  outcome: z.enum(SUBSCRIPTION_ADOPT_OUTCOMES),
  reason: z.string().nullable(),
});

export const ZAdoptCustomerJson = z.strictObject({
  stripe_customer_id: z.string(),
  email: z.string().nullable(),
  name: z.string().nullable(),
  status: z.enum(ADOPT_STATUSES),
  customer_id: z.string().nullable(),
  customer_name: z.string().nullable(),
  matched_by: z.enum(MATCHED_BY).nullable(),
  subscriptions: z.array(ZAdoptedSubscriptionJson),
  invoices: z.strictObject({
    count: z.number().int().describe("Stripe's invoices of the customer, drafts included"),
    mirrored: z.number().int().describe("mirrored now (in a dry run: would be)"),
    already_mirrored: z.number().int(),
    drafts_skipped: z.number().int().describe("drafts come in by webhook once finalized"),
  }),
  actions: z.array(z.string()),
  conflicts: z.array(z.string()),
  note: z.string().nullable(),
});
export type AdoptCustomerJson = z.infer<typeof ZAdoptCustomerJson>;

export const ZAdoptReportJson = z.strictObject({
  dry_run: z.boolean(),
  customers: z.array(ZAdoptCustomerJson),
  totals: z.strictObject({
    customers: z.number().int(),
    ready: z.number().int(),
    adopted: z.number().int(),
    unchanged: z.number().int(),
    unmatched: z.number().int(),
    conflict: z.number().int(),
    blocked: z.number().int(),
    invoices_mirrored: z.number().int(),
  }),
});
export type AdoptReportJson = z.infer<typeof ZAdoptReportJson>;
