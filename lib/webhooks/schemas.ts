import { z } from "zod";
import { WEBHOOK_STATUSES } from "@/lib/db/schema/webhooks";

export const ZWebhookList = z.object({ status: z.enum(WEBHOOK_STATUSES).optional(), type: z.string().max(100).optional(), cursor: z.iso.datetime().optional(), limit: z.coerce.number().int().min(1).max(200).default(50) });
