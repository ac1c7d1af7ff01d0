// The price simulation's request and answer (POST /api/v1/plans/{id}/simulate and the admin page).
import { z } from "zod";

export const SIMULATION_SORTS = ["difference", "change_percent", "current", "proposed", "customer"] as const;
export type SimulationSort = (typeof SIMULATION_SORTS)[number];

export const ZSimulationRequest = z.strictObject({
  months: z
    .number()
    .int()
    .min(1)
    .max(24)
    .default(12)
    .describe("How many complete calendar months (UTC) before this one to rate, 1–24"),
  compare_to: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe(
      "A plan id whose live subscribers (on any of its versions) to rate; required for a plan that replaces no earlier version",
    ),
  sort: z.enum(SIMULATION_SORTS).default("difference").describe("Order of the customer rows"),
  order: z.enum(["asc", "desc"]).default("desc"),
  limit: z.number().int().min(1).max(500).default(50).describe("Customer rows per page"),
  offset: z.number().int().min(0).default(0),
});
export type SimulationRequest = z.output<typeof ZSimulationRequest>;

const ZPlanRef = z.strictObject({ id: z.string(), name: z.string(), version: z.number().int() });

export const ZSimulationCustomer = z.strictObject({
  customer_id: z.string(),
  name: z.string(),
  external_id: z.string().nullable(),
  current_plan: ZPlanRef,
  /** Months of the window the customer was subscribed for in full (the ones rated). */
  months: z.number().int(),
  current_cents: z.number().int(),
  proposed_cents: z.number().int(),
  difference_cents: z.number().int(),
  /** (proposed − current) ÷ current × 100, one decimal; null when the customer paid nothing. */
  change_percent: z.string().nullable(),
});
export type SimulationCustomer = z.infer<typeof ZSimulationCustomer>;

const ZTotals = z.strictObject({
  current_cents: z.number().int(),
  proposed_cents: z.number().int(),
  difference_cents: z.number().int(),
  change_percent: z.string().nullable(),
});

export const ZSimulationJson = z.strictObject({
  plan: ZPlanRef.extend({ code: z.string(), status: z.enum(["draft", "on_sale", "off_sale"]) }),
  /** Whose customers were rated: subscribers of the plan's earlier versions, or of the plan named in compare_to. */
  compared_with: z.strictObject({ kind: z.enum(["earlier_versions", "plan"]), code: z.string(), name: z.string() }),
  currency: z.string(),
  window: z.strictObject({ months: z.number().int(), start: z.string(), end: z.string() }),
  /** What the amounts leave out. */
  excludes: z.array(z.string()),
  totals: ZTotals,
  counts: z.strictObject({
    customers: z.number().int(),
    pays_more: z.number().int(),
    pays_less: z.number().int(),
    same: z.number().int(),
    /** Live subscribers with no complete month in the window (they joined this month): not rated. */
    without_history: z.number().int(),
    /** Subscribers billed in another currency than the plan's: not rated. */
    other_currency: z.number().int(),
  }),
  /** How many customers' totals change by how much, in bands of percent. */
  distribution: z.array(z.strictObject({ band: z.string(), customers: z.number().int() })),
  biggest_increases: z.array(ZSimulationCustomer),
  biggest_decreases: z.array(ZSimulationCustomer),
  by_month: z.array(ZTotals.extend({ month: z.string(), customers: z.number().int() })),
  customers: z.strictObject({
    total: z.number().int(),
    offset: z.number().int(),
    limit: z.number().int(),
    sort: z.enum(SIMULATION_SORTS),
    order: z.enum(["asc", "desc"]),
    data: z.array(ZSimulationCustomer),
  }),
  elapsed_ms: z.number().int(),
});
export type SimulationJson = z.infer<typeof ZSimulationJson>;
