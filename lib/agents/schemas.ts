import { z } from "zod";
import { ZDecimal } from "@/lib/rating";

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

export const ZAssignPlan = z.strictObject({
  /** null removes the agent's plan. */
  plan_id: z.string().min(1).nullable(),
  comments: z.string().trim().max(2000).optional(),
});

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
