import { z } from "zod";
import { ALERT_KINDS } from "@/lib/db/schema/alerts";
import { ZCursor, ZLimit, ZPage } from "@/lib/http/schemas";

export const ZAlertList = z.object({
  customer_id: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe("Tally id or external id; required for operators."),
  external_customer_id: z.string().trim().min(1).max(200).optional(),
  status: z.enum(["open", "all"]).default("open").describe("open: not yet acknowledged."),
  limit: ZLimit(100, 20),
  cursor: ZCursor,
});
export const ZAlertParams = z.object({ id: z.string().min(1).max(100) });

export const ZAlertJson = z.strictObject({
  id: z.string(),
  customer_id: z.string(),
  kind: z.enum(ALERT_KINDS),
  key: z.string().describe("What the alert is about within its kind: a meter code, or balance"),
  threshold: z.string().describe('The threshold crossed: "80" or "100" (percent of a limit), or a credit amount'),
  period_key: z.string(),
  severity: z.enum(["warning", "critical"]),
  message: z.string(),
  details: z.record(z.string(), z.unknown()),
  created_at: z.string(),
  acknowledged_at: z.string().nullable(),
  acknowledged_by: z.string().nullable(),
});

export const ZAlertListJson = ZPage(ZAlertJson);

export type AlertJson = z.infer<typeof ZAlertJson>;
