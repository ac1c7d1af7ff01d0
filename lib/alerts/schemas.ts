import { z } from "zod";
import { ZCursor, ZLimit } from "@/lib/http/schemas";

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
