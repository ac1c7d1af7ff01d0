// Request and response shapes of the metering endpoints (zod), used by the routes and the OpenAPI
// document; the browser's hooks use the inferred response types.
// Event items are validated one by one in parse-event.ts (so one bad item never fails a batch);
// the item schemas here document them.
import { formatInteger } from "@/lib/format";
import { z } from "zod";
import { ZCursor, ZLimit, ZPage } from "@/lib/http/schemas";
import { AGGREGATIONS } from "@/lib/db/schema/catalog";
import { ZRatedLineJson } from "@/lib/rating/line-schemas";

/** The windows a usage read can be split into (UTC). */
export const WINDOWS = ["hour", "day", "month"] as const;
export type UsageWindow = (typeof WINDOWS)[number];

export const MAX_BATCH = 1_000;
export const SINGLE_EVENT_MAX_BYTES = 256 * 1024;
export const BATCH_MAX_BYTES = 5 * 1024 * 1024;

const ALWAYS_SEND_ID =
  "Always send an id: it is the idempotency key, kept forever per customer, so a retry or a replayed stream never counts an event twice. Without one the server makes an id, and a retry counts again (such events are counted apart in the metrics and the admin's ingest view).";

export const ZFlexPriceEvent = z
  .object({
    event_name: z.string().describe("The event name a meter reads (meters.event_name)."),
    external_customer_id: z
      .string()
      .optional()
      .describe(
        "The customer's external_id (organizations.external_id); Tally's customer id also works. Optional for customer keys (their own customer).",
      ),
    customer_id: z.string().optional().describe("Tally's customer id, when external_customer_id is absent."),
    event_id: z.string().max(255).optional().describe(`The idempotency key. ${ALWAYS_SEND_ID}`),
    timestamp: z
      .string()
      .optional()
      .describe(
        "RFC 3339 with a time zone; default: the time of receipt. At most EVENT_MAX_FUTURE_SECONDS (300) ahead.",
      ),
    source: z.string().optional(),
    properties: z
      .record(z.string(), z.unknown())
      .optional()
      .describe(
        "Values meters sum, max or take the latest of must be numbers or numeric strings (the FlexPrice SDK sends strings).",
      ),
  })
  .describe("A FlexPrice-shaped event.");

export const ZLagoEvent = z
  .object({
    transaction_id: z.string().max(255).describe("Required, as in Lago: the idempotency key."),
    code: z.string().describe("The event name a meter reads."),
    external_subscription_id: z
      .string()
      .optional()
      .describe("A subscription's external_id (or Tally's subscription id): names the customer."),
    external_customer_id: z.string().optional(),
    timestamp: z
      .union([z.number(), z.string()])
      .optional()
      .describe("Unix seconds, as a number or a numeric string; default: the time of receipt."),
    properties: z.record(z.string(), z.unknown()).optional(),
  })
  .describe("A Lago-shaped event.");

/** POST /events: a FlexPrice event, or Lago's {"event": {…}}. */
export const ZSingleEventBody = z.record(z.string(), z.unknown());
export const ZSingleEventDoc = z.union([ZFlexPriceEvent, z.object({ event: ZLagoEvent })]);

const ZEvents = z
  .array(z.unknown())
  .min(1, "send at least one event")
  .max(MAX_BATCH, `at most ${formatInteger(MAX_BATCH)} events per request`);
export const ZBatchBody = z.object({ events: ZEvents });
export const ZBulkDoc = z.object({ events: z.array(ZFlexPriceEvent).min(1).max(MAX_BATCH) });
export const ZLagoBatchDoc = z.object({ events: z.array(ZLagoEvent).min(1).max(MAX_BATCH) });

const ZTime = z.iso
  .datetime({ offset: true, message: "an ISO-8601 time with a zone, e.g. 2024-05-01T00:00:00Z" })
  .transform((s) => new Date(s));
const ZCustomerRef = z.string().trim().min(1).max(200);

export const ZEventList = z.object({
  customer_id: ZCustomerRef.optional().describe("Tally id or external id; required for operators."),
  external_customer_id: ZCustomerRef.optional(),
  event_name: z.string().max(200).optional(),
  event_id: z.string().max(255).optional(),
  from: ZTime.optional(),
  to: ZTime.optional(),
  limit: ZLimit(100, 50),
  cursor: ZCursor,
});

const ZCodes = z
  .string()
  .trim()
  .max(2000)
  .transform((s) =>
    s
      .split(",")
      .map((x) => x.trim())
      .filter(Boolean),
  );

export const ZUsageQuery = z.object({
  customer_id: ZCustomerRef.optional().describe("Tally id or external id; required for operators."),
  external_customer_id: ZCustomerRef.optional(),
  meter: ZCodes.optional().describe("Meter codes, comma-separated; default: every active meter."),
  from: ZTime.optional().describe(
    "Default: the start of the current billing period (or of this UTC month). Rounded down to the hour.",
  ),
  to: ZTime.optional().describe(
    "Exclusive; default: now. Rounded down to the hour, except that a time inside the current hour includes it.",
  ),
  window: z
    .enum([...WINDOWS, "none"])
    .optional()
    .describe("hour, day or month (UTC) buckets; none or absent: totals only."),
  group_by: ZCodes.optional().describe("Property names the meter groups by (meters.group_by), comma-separated."),
});

export const ZUsageSummaryQuery = z.object({
  start_time: ZTime.optional().describe("Default: the current billing period's start."),
  end_time: ZTime.optional().describe("Default: the current billing period's end."),
});

export const ZEntitlementQuery = z.object({
  customer_id: ZCustomerRef.optional().describe("Tally id or external id; required for operators."),
  external_customer_id: ZCustomerRef.optional(),
  quantity: z.coerce
    .number()
    .positive()
    .max(1e12)
    .optional()
    .describe("The units the caller is about to use (default 1 for `allowed`)."),
});
export const ZEntitlementParams = z.object({
  feature: z.string().min(1).max(200).describe("A feature's key; a metered feature's key is its meter's code"),
});

export const ZBillingUsageQuery = z.object({
  customer_id: ZCustomerRef.optional().describe("Operators name the customer; customers read their own."),
  external_customer_id: ZCustomerRef.optional(),
});

// ————— responses —————

/** A quantity as a decimal string; null for max and latest where nothing was sent. */
const ZQuantity = z.string().nullable();
const ZGroupValue = z.strictObject({ group: z.record(z.string(), z.string().nullable()), value: ZQuantity });

export const ZMeterUsageJson = z.strictObject({
  meter: z.string(),
  name: z.string(),
  event_name: z.string(),
  aggregation: z.enum(AGGREGATIONS),
  unit: z.string(),
  value: ZQuantity,
  groups: z.array(ZGroupValue).optional().describe("Per group, when group_by is asked for"),
  windows: z
    .array(
      z.strictObject({
        start: z.string(),
        end: z.string(),
        value: ZQuantity,
        groups: z.array(ZGroupValue).optional(),
      }),
    )
    .optional()
    .describe("Per window, when a window is asked for"),
});

export const ZCustomerUsageJson = z.strictObject({
  customer_id: z.string(),
  external_customer_id: z.string().nullable(),
  from: z.string(),
  to: z.string(),
  window: z.enum([...WINDOWS, "none"]),
  group_by: z.array(z.string()),
  meters: z.array(ZMeterUsageJson),
});

export type CustomerUsageJson = z.infer<typeof ZCustomerUsageJson>;
export type MeterUsageJson = z.infer<typeof ZMeterUsageJson>;

const ZPeriodJson = z.strictObject({ start: z.string(), end: z.string() });

export const ZBillingUsageMeterJson = z.strictObject({
  meter: z.string(),
  name: z.string(),
  unit: z.string(),
  aggregation: z.enum(AGGREGATIONS),
  today: ZQuantity,
  this_month: ZQuantity,
  included: z.string().nullable().describe("Units the plan includes; null without a usage charge"),
  used: z.string(),
  remaining: z.string().nullable(),
  overage: z.string().nullable(),
  overage_cost: z.string(),
  overage_cost_cents: z.number().int(),
  price_per_1k: z.string().nullable(),
  limit: z
    .strictObject({ limit: z.number().int(), enforcement: z.enum(["soft", "hard"]), percent_used: z.number() })
    .nullable(),
});

export const ZBillingUsageJson = z.strictObject({
  customer_id: z.string(),
  external_customer_id: z.string().nullable(),
  currency: z.string(),
  plan: z.strictObject({ id: z.string(), code: z.string(), name: z.string() }).nullable(),
  today: ZPeriodJson,
  this_month: ZPeriodJson,
  meters: z.array(ZBillingUsageMeterJson),
  usage_cost: z.string(),
  usage_cost_cents: z.number().int(),
  credits: z.strictObject({
    source: z.literal("ledger"),
    included: z.number().int(),
    used: z.number().int(),
    remaining: z.number().int(),
    held: z.number().int(),
    overage: z.number().int(),
    overage_cost: z.string().nullable(),
    overage_cost_cents: z.number().int().nullable(),
    price_per_1k: z.string().nullable(),
  }),
});

export type BillingUsageJson = z.infer<typeof ZBillingUsageJson>;
export type BillingUsageMeterJson = z.infer<typeof ZBillingUsageMeterJson>;

/** A stored usage event (GET /api/v1/events); storedEventJson returns this type. */
export const ZStoredEventJson = z.strictObject({
  id: z.string(),
  event_id: z.string(),
  event_name: z.string(),
  customer_id: z.string(),
  external_customer_id: z.string().nullable(),
  subscription_id: z.string().nullable(),
  timestamp: z.string(),
  ingested_at: z.string(),
  source: z.string().nullable(),
  properties: z.record(z.string(), z.unknown()),
  id_generated: z.boolean(),
  status: z.literal("accepted"),
});
export const ZStoredEventPage = ZPage(ZStoredEventJson);

export type StoredEventJson = z.infer<typeof ZStoredEventJson>;

// ————— ingestion answers (lib/metering/serialize.ts returns these types) —————

const ZItemErrorJson = z.strictObject({ field: z.string(), message: z.string() });

/** One item's outcome, as `Prefer: return=representation` asks for it. */
export const ZItemOutcomeJson = z.strictObject({
  index: z.number().int(),
  status: z.enum(["accepted", "duplicate", "rejected"]),
  event_id: z.string().nullable(),
  id: z.string().optional(),
  id_generated: z.literal(true).optional(),
  event_name: z.string().optional(),
  customer_id: z.string().optional(),
  error: ZItemErrorJson.optional(),
});

/** One item in Lago's event shape, with its outcome. */
export const ZLagoEventJson = z.strictObject({
  lago_id: z.string().nullable(),
  transaction_id: z.string().nullable(),
  lago_customer_id: z.string().nullable(),
  external_customer_id: z.string().nullable(),
  lago_subscription_id: z.string().nullable(),
  external_subscription_id: z.string().nullable(),
  code: z.string().nullable(),
  timestamp: z.string().nullable(),
  properties: z.record(z.string(), z.unknown()),
  created_at: z.string().nullable(),
  status: z.enum(["accepted", "duplicate", "rejected"]),
  error: ZItemErrorJson.optional(),
});

/** FlexPrice's flat answer to one event: a flat object of strings, as its SDK checks. */
export const ZFlexEventReplyJson = z.strictObject({ event_id: z.string(), message: z.string() });

/** POST /api/v1/events: FlexPrice's flat answer, the item's outcome (return=representation), or Lago's {"event"}. */
export const ZSingleEventReplyJson = z.union([
  ZFlexEventReplyJson,
  ZItemOutcomeJson,
  z.strictObject({ event: ZLagoEventJson }),
]);

/** POST /api/v1/events/bulk: the counts as strings (FlexPrice's flat object), or as numbers with every item's outcome. */
export const ZBulkReplyJson = z.union([
  z.strictObject({ message: z.string(), accepted: z.string(), duplicate: z.string(), rejected: z.string() }),
  z.strictObject({
    message: z.string(),
    accepted: z.number().int(),
    duplicate: z.number().int(),
    rejected: z.number().int(),
    events: z.array(ZItemOutcomeJson),
  }),
]);

/** POST /api/v1/events/batch: Lago's {"events": [...]} in request order. */
export const ZLagoBatchReplyJson = z.strictObject({ events: z.array(ZLagoEventJson) });

export type ItemOutcomeJson = z.infer<typeof ZItemOutcomeJson>;
export type LagoEventJson = z.infer<typeof ZLagoEventJson>;
export type FlexEventReplyJson = z.infer<typeof ZFlexEventReplyJson>;
export type BulkReplyJson = z.infer<typeof ZBulkReplyJson>;

// ————— entitlements and the usage summary —————

/** GET /api/v1/entitlements/{feature} for a metered feature (a meter code); entitlement() and withSpendingCap() return this type. */
export const ZEntitlementJson = z.strictObject({
  customer_id: z.string(),
  external_customer_id: z.string().nullable(),
  meter: z.string(),
  unit: z.string(),
  allowed: z.boolean(),
  reason: z.enum([
    "no_subscription",
    "payment_pending",
    "payment_overdue",
    "unlimited",
    "within_limit",
    "soft_limit_exceeded",
    "limit_reached",
    "insufficient_credits",
    "spending_cap",
  ]),
  used: z.string().nullable(),
  limit: z.number().nullable(),
  remaining: z.string().nullable(),
  enforcement: z.enum(["soft", "hard"]).nullable(),
  unlimited: z.boolean(),
  plan: z.string().nullable(),
  period_start: z.string().nullable(),
  period_end: z.string().nullable(),
  resets_at: z.string().nullable(),
  source: z
    .literal("override")
    .optional()
    .describe("Present when an operator's override for this customer sets the limit instead of the plan"),
  message: z
    .string()
    .nullable()
    .optional()
    .describe("Why not: a payment pending or overdue, or the spending cap reached"),
  credits: z
    .strictObject({
      balance: z.number().int(),
      pending_usage: z.number().int(),
      required: z.number().int(),
      on_empty: z.enum(["overage", "stop"]),
    })
    .optional()
    .describe("For a meter priced in credits: the balance, usage not yet drawn and the credits the quantity needs"),
});

export type EntitlementJson = z.infer<typeof ZEntitlementJson>;

/** GET /api/v1/customers/{id}/usage-summary; usageSummary() returns this type. */
export const ZUsageSummaryJson = z.strictObject({
  customer_id: z.string(),
  external_customer_id: z.string().nullable(),
  start_time: z.string(),
  end_time: z.string(),
  usage_from: z.string(),
  usage_to: z.string(),
  plan: z.strictObject({ id: z.string(), code: z.string(), name: z.string(), version: z.number().int() }).nullable(),
  subscription_id: z.string().nullable(),
  currency: z.string(),
  usage: z.array(
    z.strictObject({
      meter: z.string(),
      name: z.string(),
      event_name: z.string(),
      aggregation: z.enum(AGGREGATIONS),
      unit: z.string(),
      quantity: z.string(),
      quantity_by_group: z.record(z.string(), z.string()).optional(),
      priced: z.boolean(),
      amount: z.string(),
      amount_cents: z.number().int(),
      lines: z.array(ZRatedLineJson.omit({ type: true, meter: true })),
    }),
  ),
  fixed_charges: z.array(z.strictObject({ name: z.string(), amount: z.string(), amount_cents: z.number().int() })),
  usage_amount: z.string(),
  total_amount: z.string(),
  total_amount_cents: z.number().int(),
  unpriced_meters: z.array(z.string()),
});

export type UsageSummaryJson = z.infer<typeof ZUsageSummaryJson>;
