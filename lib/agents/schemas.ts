import { z } from "zod";
import { ZPage } from "@/lib/http/schemas";
import { AGENT_PLAN_ACTIONS } from "@/lib/db/schema/agents";
import { ZDecimal, ZRatedLineJson } from "@/lib/rating";

const ZExternal = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[\w.:@-]+$/, "use letters, digits and . _ : @ - only");

export const ZAgentCreate = z.strictObject({
  customer_id: z.string().min(1).optional(),
  external_customer_id: z.string().min(1).optional(),
  name: z.string().trim().min(1, "must not be empty").max(200),
  description: z.string().trim().max(2000).default(""),
  external_id: ZExternal.optional(),
  plan_id: z.string().min(1).optional(),
});

export const ZAgentList = z.object({
  customer_id: z.string().optional(),
  without_plan: z.enum(["true", "false"]).optional(),
});

export const ZAssignPlan = z
  .strictObject({
    /** null removes the agent's plan. */
    plan_id: z.string().min(1).nullable().optional(),
    flexprice_plan_id: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .describe("The FlexPrice guide's request: the plan by its FlexPrice id (plans imported from FlexPrice keep it)"),
    comments: z.string().trim().max(2000).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.plan_id !== undefined && v.flexprice_plan_id !== undefined)
      ctx.addIssue({
        code: "custom",
        path: ["flexprice_plan_id"],
        message: "send plan_id or flexprice_plan_id, not both",
      });
    if (v.plan_id === undefined && v.flexprice_plan_id === undefined)
      ctx.addIssue({
        code: "custom",
        path: ["plan_id"],
        message: "required: the plan's id (null removes the plan), or flexprice_plan_id",
      });
  })
  .meta({ example: { flexprice_plan_id: "plan_abc123", comments: "Upgraded to premium plan" } });

export const ZHistoryQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) });

export const ZCallStart = z.strictObject({
  agent_id: z.string().min(1),
  external_id: ZExternal.optional(),
  started_at: z.iso.datetime({ offset: true }).optional(),
});

export const ZFinalizeCost = z.strictObject({
  usage_metrics: z
    .record(z.string().min(1).max(100), ZDecimal)
    .refine((m) => Object.keys(m).length > 0, 'send at least one metric, e.g. {"voice_minutes": 5.5}'),
  send_usage: z.boolean().default(false),
  ended_at: z.iso.datetime({ offset: true }).optional(),
});

export const ZCallList = z.object({
  agent_id: z.string().optional(),
  customer_id: z.string().optional(),
  unpriced: z.enum(["true", "false"]).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

// ————— responses (lib/agents/serialize.ts returns these types) —————

export const ZPlanRefJson = z
  .strictObject({ id: z.string(), code: z.string(), name: z.string(), version: z.number().int() })
  .nullable();

export const ZAgentJson = z.strictObject({
  id: z.string(),
  object: z.literal("agent"),
  customer_id: z.string(),
  name: z.string(),
  description: z.string(),
  external_id: z.string().nullable(),
  current_plan: ZPlanRefJson,
  created_at: z.string(),
});
export const ZAgentPage = ZPage(ZAgentJson);

/** POST /api/v1/agents/{agent_id}/assign-plan. */
export const ZPlanAssignmentJson = z.strictObject({
  history_id: z.string(),
  action: z.enum([...AGENT_PLAN_ACTIONS, "unchanged"]),
  previous_plan: ZPlanRefJson,
  new_plan: ZPlanRefJson,
});

/** GET /api/v1/agents/{agent_id}/pricing-history. */
export const ZPricingHistoryJson = z.strictObject({
  agent_id: z.string(),
  current_plan: ZPlanRefJson,
  total: z.number().int(),
  history: z.array(
    z.strictObject({
      id: z.string(),
      action: z.enum(AGENT_PLAN_ACTIONS),
      previous_plan: ZPlanRefJson,
      new_plan: ZPlanRefJson,
      changed_by: z.string(),
      comments: z.string().nullable(),
      active: z.boolean(),
      created_at: z.string(),
      pricing_id: z.string().nullable().describe("The FlexPrice guide's name for new_plan's id"),
      previous_pricing_id: z.string().nullable().describe("The FlexPrice guide's name for previous_plan's id"),
      changed_by_user_id: z
        .string()
        .nullable()
        .describe("The user who made the change (null when an API key made it); changed_by says which key"),
      is_active: z.boolean().describe("The FlexPrice guide's name for active"),
    }),
  ),
});

export const ZCallJson = z.strictObject({
  id: z.string(),
  object: z.literal("call"),
  customer_id: z.string(),
  agent_id: z.string(),
  plan_id: z.string().nullable(),
  external_id: z.string().nullable(),
  status: z.enum(["in_progress", "finalized"]),
  started_at: z.string(),
  ended_at: z.string().nullable(),
  usage_metrics: z.record(z.string(), z.string()).nullable(),
  cost: z.string().nullable(),
  cost_exact: z.string().nullable(),
  cost_cents: z.number().int().nullable(),
  usage_cost: z.string().nullable(),
  usage_cost_exact: z.string().nullable(),
  usage_cost_cents: z.number().int().nullable(),
  fixed_charges: z.string().nullable(),
  fixed_charges_exact: z.string().nullable(),
  fixed_charges_cents: z.number().int().nullable(),
  currency: z.string().nullable(),
  usage_recorded: z.boolean(),
  finalized_at: z.string().nullable(),
});
export const ZCallPage = ZPage(ZCallJson);

/** POST /api/v1/calls/{call_id}/finalize-cost; finalizeCallCost() returns this type (and whether it was a replay). */
export const ZFinalizedCallJson = z.strictObject({
  call_id: z.string(),
  agent_id: z.string(),
  plan: z.strictObject({ id: z.string(), code: z.string(), version: z.number().int() }).nullable(),
  cost: z.string(),
  cost_exact: z.string(),
  cost_cents: z.number().int(),
  usage_cost: z
    .string()
    .nullable()
    .describe("The usage part of cost, rounded once: what the invoice bills for this call"),
  usage_cost_exact: z.string().nullable(),
  usage_cost_cents: z.number().int().nullable(),
  fixed_charges: z
    .string()
    .nullable()
    .describe(
      "The plan's fixed charges included in cost: billed once per agent per period on the invoice, not per call",
    ),
  fixed_charges_exact: z.string().nullable(),
  fixed_charges_cents: z.number().int().nullable(),
  currency: z.string(),
  usage_metrics: z.record(z.string(), z.string()),
  lines: z.array(ZRatedLineJson),
  usage_recorded: z.boolean(),
  finalized_at: z.string(),
});

export type AgentJson = z.infer<typeof ZAgentJson>;
export type FinalizedCallJson = z.infer<typeof ZFinalizedCallJson>;
export type CallJson = z.infer<typeof ZCallJson>;
