// Request schemas of the credit meter links (drawdown-links.ts).
import { z } from "zod";

export const ZCreditMeterLinkCreate = z.strictObject({
  /** The meter's code. */
  meter: z.string().trim().min(1).max(100),
  /** The credit event's code. */
  credit_event: z.string().trim().min(1).max(100),
  filters: z
    .record(z.string().trim().min(1).max(100), z.array(z.string().max(500)).min(1, "list at least one value").max(100))
    .default({}),
});

export const ZCreditMeterLinkQuery = z.strictObject({
  include_archived: z.enum(["true", "false"]).optional(),
});
