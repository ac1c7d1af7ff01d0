import { ZAlertJson } from "@/lib/alerts/schemas";
import { ZPromotionCodeInput } from "@/lib/coupons/schemas";
import { ZCreditBalanceJson } from "@/lib/credits/schemas";
import { ZEntitlementItemJson } from "@/lib/entitlements/schemas";
import { ZBillingUsageJson } from "@/lib/metering/schemas";
import { z } from "zod";
import { INVOICE_STATUSES, OFFLINE_PAYMENT_METHODS, PAYMENT_STATUSES } from "@/lib/db/schema";
import { SUBSCRIPTION_STATUSES } from "@/lib/db/schema/subscriptions";
import { ZIsoDate, ZPage } from "@/lib/http/schemas";
import { TAX_MODES } from "@/lib/tax/select";

/**
 * The customer a billing request acts for. A platform key (or the admin) names it — Tally's id or
 * the platform's external id — as a SaaS backend acting for its customer does; a customer's own key
 * or session may omit it, and naming another customer is refused (403). route() resolves it
 * (`customer: "body" | "query"`, scopeCustomer in lib/auth/actor.ts).
 */
export const ZBillingCustomer = {
  customer_id: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe(
      "The customer acted for (Tally id or external id): required with a platform key; a customer's own key or session may omit it.",
    ),
  external_customer_id: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe("The customer's external id, instead of customer_id."),
};
export const ZBillingCustomerQuery = z.object(ZBillingCustomer);
export const ZBillingCustomerBody = z.strictObject(ZBillingCustomer);

export const ZCheckout = z
  .strictObject({
    ...ZBillingCustomer,
    plan_id: z.string().min(1).optional(),
    credit_product_id: z.string().min(1).optional(),
    /** A promotion code for the plan's coupon (not with credit_product_id). */
    promotion_code: ZPromotionCodeInput.optional(),
    ui_mode: z
      .enum(["hosted", "embedded"])
      .optional()
      .describe(
        "With Stripe: `hosted` (the default) answers Checkout's URL; `embedded` answers a `client_secret` for Stripe.js `initEmbeddedCheckout` on your page. Other rails answer their page either way.",
      ),
    return_url: z
      .url({ protocol: /^https?$/, error: "an absolute http(s) URL" })
      .max(2000)
      .optional()
      .describe(
        "Embedded only: where Stripe sends the buyer when the checkout ends (Stripe fills in `{CHECKOUT_SESSION_ID}`); Tally's billing page when absent.",
      ),
  })
  .refine((v) => Boolean(v.plan_id) !== Boolean(v.credit_product_id), {
    path: ["plan_id"],
    message: "send either plan_id or credit_product_id",
  })
  .refine((v) => !v.return_url || v.ui_mode === "embedded", {
    path: ["return_url"],
    message: 'goes only with ui_mode "embedded"',
  })
  .meta({ example: { customer_id: "org_01jcustomer0example", plan_id: "plan_pro_monthly" } });

/** at_period_end false ends the subscription now (its usage so far is billed on a final invoice). */
export const ZCancel = z.strictObject({ ...ZBillingCustomer, at_period_end: z.boolean().default(true) });
export const ZChangePlan = z.strictObject({
  ...ZBillingCustomer,
  plan_id: z.string().min(1),
  preview: z.boolean().default(false),
  /** A promotion code whose coupon the subscription gets with the change. */
  promotion_code: ZPromotionCodeInput.optional(),
});
export const ZListLimit = z.object({ limit: z.coerce.number().int().min(1).max(100).default(10) });
export const ZBillingList = z.object({ ...ZBillingCustomer, limit: ZListLimit.shape.limit });

/** An operator recording an invoice paid outside Tally (invoice billing). */
export const ZMarkInvoicePaid = z.strictObject({
  method: z.enum(OFFLINE_PAYMENT_METHODS).describe("How the money arrived: bank_transfer, check, cash or other"),
  reference: z.string().trim().min(1, "say where to find the payment: a transfer reference, a check number").max(200),
  paid_at: ZIsoDate.optional().describe("When the money arrived; default now"),
});

// ————— responses —————

/** An amount in major units as a decimal string (`amount`), beside its minor units (`amount_cents`). */
const ZMajor = z.string();

export const ZUpcomingInvoiceLineJson = z.strictObject({
  id: z.string(),
  kind: z.enum(["usage", "late_usage", "overage", "call_usage", "agent_fixed", "addon"]),
  description: z.string(),
  quantity: z.string(),
  unit_amount: z.string().nullable(),
  amount: ZMajor,
  amount_exact: z.string(),
  amount_cents: z.number().int(),
  meter: z.string().nullable(),
  plan_id: z.string().nullable(),
  agent_id: z.string().nullable(),
  period_start: z.string(),
  period_end: z.string(),
});

/** The upcoming invoice's tax, worked out as the invoice will (lib/tax/compute.ts: per line, rounded once). */
export const ZUpcomingTax = z
  .strictObject({
    mode: z.enum(TAX_MODES),
    treatment: z
      .enum(["none", "rate", "reverse_charge", "stripe_tax"])
      .describe("stripe_tax: Stripe works the tax out when it issues the invoice; none is shown here"),
    /** "VAT 20 %", "GST 10 % (included)"; null without a rate. */
    label: z.string().nullable(),
    inclusive: z.boolean(),
    /** The reverse-charge statement the invoice will carry; null for none. */
    note: z.string().nullable(),
    tax_so_far_cents: z.number().int(),
    total_so_far_with_tax_cents: z.number().int(),
    projected_tax_cents: z.number().int(),
    projected_total_with_tax_cents: z.number().int(),
  })
  .describe("The customer's tax on the totals (which are net of exclusive tax; inclusive tax is inside them)");

export const ZUpcomingInvoiceJson = z.strictObject({
  object: z.literal("upcoming_invoice"),
  customer_id: z.string(),
  subscription_id: z.string(),
  provider: z.enum(["manual", "local", "stripe"]),
  status: z.enum(SUBSCRIPTION_STATUSES),
  currency: z.string(),
  period_start: z.string(),
  period_end: z.string(),
  invoice_date: z.string().describe("When the invoice is issued: the period's end"),
  as_of: z.string(),
  plan_fee: z
    .strictObject({
      plan_id: z.string(),
      plan_name: z.string(),
      description: z.string(),
      amount: ZMajor,
      amount_cents: z.number().int(),
      period_start: z.string(),
      period_end: z.string(),
    })
    .nullable(),
  discounts: z.array(z.strictObject({ description: z.string(), amount_cents: z.number().int(), amount: ZMajor })),
  addon_fees: z
    .array(
      z.strictObject({
        addon_id: z.string(),
        description: z.string(),
        quantity: z.number().int(),
        amount_cents: z.number().int(),
        amount: ZMajor,
      }),
    )
    .describe("The next period's fees of the recurring add-ons held, billed in advance with the plan fee"),
  credits_applied: z.array(
    z.strictObject({ description: z.string(), credits: z.number().int(), amount_cents: z.number().int() }),
  ),
  lines: z.array(ZUpcomingInvoiceLineJson),
  projected_lines: z
    .array(ZUpcomingInvoiceLineJson)
    .describe("Each line projected to the period end at the current pace"),
  usage_cents: z.number().int(),
  call_costs_cents: z.number().int(),
  addon_charges_cents: z
    .number()
    .int()
    .describe("This period's add-on charges and credits (kind addon lines): prorated changes and one-time prices"),
  total_so_far_cents: z.number().int(),
  total_so_far: ZMajor,
  projected_total_cents: z.number().int(),
  projected_total: ZMajor,
  tax: ZUpcomingTax,
});

export type UpcomingInvoiceJson = z.infer<typeof ZUpcomingInvoiceJson>;
export type UpcomingInvoiceLineJson = z.infer<typeof ZUpcomingInvoiceLineJson>;

const ZProvider = z.enum(["local", "stripe", "manual"]);

/** An invoice in a list (GET /api/v1/billing/invoices); lib/payments/billing-queries.ts returns this type. */
export const ZInvoiceJson = z.strictObject({
  id: z.string(),
  object: z.literal("invoice"),
  number: z.string(),
  status: z.enum(INVOICE_STATUSES),
  currency: z.string(),
  total: z.string(),
  total_cents: z.number().int(),
  amount_paid_cents: z.number().int(),
  amount_due_cents: z.number().int(),
  period_start: z.string().nullable(),
  period_end: z.string().nullable(),
  issued_at: z.string(),
  paid_at: z.string().nullable(),
  pdf_url: z.string().nullable(),
  hosted_url: z.string().nullable(),
  provider: ZProvider,
  livemode: z.boolean(),
  void_reason: z.string().nullable(),
  voided_at: z.string().nullable(),
  amount_due: z.string().describe("amount_due_cents as a decimal in the major unit (the Ops Center guide's field)"),
  amount_paid: z.string().describe("amount_paid_cents as a decimal in the major unit"),
  due_date: z.string().nullable().describe("When payment is due (null: due on issue, or paid)"),
  paid: z.boolean().describe("status is paid"),
});
export const ZInvoicePage = ZPage(ZInvoiceJson);

export const ZPaymentMethodJson = z.strictObject({
  id: z.string(),
  object: z.literal("payment_method"),
  brand: z.string(),
  last4: z.string(),
  exp_month: z.number().int().nullable(),
  exp_year: z.number().int().nullable(),
  is_default: z.boolean(),
  provider: ZProvider,
  type: z.string().describe('"card", or Stripe\'s type of another kind of method (e.g. "sepa_debit")'),
  card: z
    .strictObject({
      brand: z.string(),
      last4: z.string(),
      exp_month: z.number().int().nullable(),
      exp_year: z.number().int().nullable(),
    })
    .nullable()
    .describe("A card's details as Stripe and the Ops Center guide nest them; null for another kind of method"),
  created: z.string().describe("When the method was added"),
});
export const ZPaymentMethodPage = ZPage(ZPaymentMethodJson);

/** A payment (GET /api/v1/billing/history), a credit purchase included. */
export const ZPaymentJson = z.strictObject({
  id: z.string(),
  object: z.literal("payment"),
  kind: z.enum(["subscription", "credits", "other"]),
  status: z.enum(PAYMENT_STATUSES),
  amount: z.string(),
  amount_cents: z.number().int(),
  amount_refunded_cents: z.number().int(),
  currency: z.string(),
  description: z.string(),
  payment_method: z.string().nullable(),
  failure_message: z.string().nullable(),
  invoice_id: z.string().nullable(),
  credit_product_id: z.string().nullable(),
  livemode: z.boolean(),
  offline: z
    .strictObject({
      method: z.enum(OFFLINE_PAYMENT_METHODS),
      reference: z.string().nullable(),
      recorded_by: z.string().nullable(),
    })
    .nullable(),
  created_at: z.string(),
});
export const ZPaymentPage = ZPage(ZPaymentJson);

export type InvoiceJson = z.infer<typeof ZInvoiceJson>;
export type PaymentMethodJson = z.infer<typeof ZPaymentMethodJson>;
export type PaymentJson = z.infer<typeof ZPaymentJson>;

const ZAccessJson = z.strictObject({
  level: z.enum(["full", "grace", "reduced", "none"]),
  grace_ends_at: z.string().nullable(),
  message: z.string().nullable(),
});

/** GET /api/v1/billing/subscription (and cancel, resume): the current subscription, or status "none". */
export const ZSubscriptionSummaryJson = z.union([
  z.strictObject({
    status: z.literal("none"),
    tier: z.null(),
    plan: z.null(),
    amount: z.null(),
    amount_cents: z.null(),
    interval: z.null(),
    currency: z.null(),
    current_period_start: z.null(),
    current_period_end: z.null(),
    cancel_at_period_end: z.literal(false),
    access: ZAccessJson,
  }),
  z.strictObject({
    id: z.string(),
    status: z.enum(SUBSCRIPTION_STATUSES),
    tier: z.string(),
    plan: z.strictObject({ id: z.string(), code: z.string(), name: z.string(), version: z.number().int() }),
    amount: z.string(),
    amount_cents: z.number().int(),
    interval: z.enum(["month", "year"]),
    currency: z.string(),
    current_period_start: z.string(),
    current_period_end: z.string(),
    trial_end: z.string().nullable(),
    cancel_at_period_end: z.boolean(),
    pending_plan: z.strictObject({ id: z.string(), name: z.string(), effective_at: z.string() }).nullable(),
    provider: z.enum(["manual", "local", "stripe"]),
    livemode: z.boolean(),
    access: ZAccessJson,
  }),
]);

export type SubscriptionSummaryJson = z.infer<typeof ZSubscriptionSummaryJson>;

/** POST /api/v1/billing/checkout (201): where to send the customer; checkoutJson returns this type. */
export const ZCheckoutJson = z.strictObject({
  id: z.string(),
  /** The page to send the buyer to; for an embedded session, the return URL (there is no page). */
  url: z.string(),
  ui_mode: z.enum(["hosted", "embedded"]),
  client_secret: z
    .string()
    .nullable()
    .describe(
      "Embedded Checkout's secret for Stripe.js (`ui_mode: embedded` with Stripe); null otherwise. Not stored: a replay reads it from Stripe again.",
    ),
  publishable_key: z
    .string()
    .nullable()
    .describe("The Stripe publishable key to load Stripe.js with, when configured (embedded only)."),
  provider: ZProvider,
  kind: z.enum(["subscription", "credits"]),
  amount_cents: z.number().int(),
  currency: z.string(),
  expires_at: z.string(),
});

/** POST /api/v1/billing/portal. */
export const ZPortalJson = z.strictObject({ url: z.string() });

const ZPlanSide = z.strictObject({
  id: z.string(),
  name: z.string(),
  interval: z.string(),
  amount_cents: z.number().int(),
});

/** What a plan change does, shown to the customer before confirming (previewPlanChange and changePlan return it). */
export const ZPlanChangePreviewJson = z.strictObject({
  direction: z.enum(["upgrade", "downgrade"]),
  effective: z.enum(["now", "period_end"]),
  current_plan: ZPlanSide,
  new_plan: ZPlanSide,
  amount_due_now_cents: z
    .number()
    .int()
    .describe("Charged now for an upgrade (the prorated difference); 0 for a downgrade"),
  currency: z.string(),
  effective_at: z.string(),
  addons_removed: z
    .array(
      z.strictObject({
        addon: z.string(),
        name: z.string(),
        quantity: z.number().int(),
        reason: z.string(),
        amount_cents: z.number().int(),
        amount: z.string(),
      }),
    )
    .describe(
      "Recurring add-ons the new plan does not offer: removed with the change, each credited for the rest of the period when the change is now (a negative amount, on the next invoice)",
    ),
});

/** POST /api/v1/billing/subscription/change-plan: the change (applied) or its preview (not applied). */
export const ZPlanChangeJson = ZPlanChangePreviewJson.extend({ applied: z.boolean() });

/** POST /api/v1/admin/invoices/{id}/mark-paid. */
export const ZMarkPaidJson = z.strictObject({
  invoice: ZInvoiceJson,
  payment: ZPaymentJson.nullable(),
  already_paid: z.boolean(),
});

/** PUT /api/v1/plans/{id}/billing-threshold; setPlanBillingThreshold returns this type. */
export const ZBillingThresholdJson = z.strictObject({
  object: z.literal("billing_threshold"),
  plan_id: z.string(),
  amount_cents: z.number().int().nullable(),
  currency: z.string(),
});

export type CheckoutJson = z.infer<typeof ZCheckoutJson>;
export type PlanChangePreviewJson = z.infer<typeof ZPlanChangePreviewJson>;
export type BillingThresholdJson = z.infer<typeof ZBillingThresholdJson>;

/** GET /api/v1/billing/dashboard: each part as its own endpoint answers it (the ALwrity guide's one-call dashboard). */
export const ZBillingDashboardJson = z.strictObject({
  object: z.literal("billing_dashboard"),
  customer_id: z.string(),
  external_customer_id: z.string().nullable(),
  as_of: z.string(),
  subscription: ZSubscriptionSummaryJson.describe("As GET /api/v1/billing/subscription"),
  usage: ZBillingUsageJson.describe("As GET /api/v1/billing/usage: today and this month per meter, costs, credits"),
  limits: z.array(ZEntitlementItemJson).describe("The metered features of GET /api/v1/entitlements: each limit"),
  alerts: z.strictObject({
    open_count: z.number().int(),
    data: z.array(ZAlertJson).describe("The newest open alerts (at most 10), as GET /api/v1/alerts"),
  }),
  credits: ZCreditBalanceJson.nullable().describe("As GET /api/v1/credits"),
  upcoming_invoice: ZUpcomingInvoiceJson.nullable().describe(
    "As GET /api/v1/billing/upcoming-invoice; null without a current subscription",
  ),
});
export type BillingDashboardJson = z.infer<typeof ZBillingDashboardJson>;

/**
 * The billing page's checkout answer: a page to go to (hosted Checkout, the sandbox, an invoice),
 * or Stripe's Embedded Checkout to mount in place (its client secret and the publishable key).
 */
export type CheckoutAnswer =
  { url: string; embedded: null } | { url: null; embedded: { clientSecret: string; publishableKey: string } };
