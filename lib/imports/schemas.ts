// Import requests and answers (POST /api/v1/imports/{flexprice,lago}, GET /api/v1/imports).
import { z } from "zod";
import { IMPORT_KINDS, IMPORT_OUTCOMES, IMPORT_SOURCES } from "@/lib/db/schema/imports";

export const ZImportRequest = z.strictObject({
  api_url: z
    .string()
    .trim()
    .min(1, "required: the source's API address, e.g. https://api.cloud.flexprice.io")
    .max(2000)
    .describe("The source's API base (http or https); a trailing /v1 (FlexPrice) or /api/v1 (Lago) is allowed"),
  api_key: z.string().trim().min(1, "required: the source's API key").max(1000),
  dry_run: z.boolean().default(false).describe("List what would change without writing anything"),
  schedule: z
    .strictObject({ every_hours: z.number().int().min(1).max(168) })
    .nullable()
    .optional()
    .describe(
      "Sync again every N hours with this key (stored sealed); null removes the schedule. Only with dry_run false.",
    ),
});
export type ImportRequestBody = z.output<typeof ZImportRequest>;

const ZOutcomeCounts = z.strictObject(
  Object.fromEntries(IMPORT_OUTCOMES.map((o) => [o, z.number().int()])) as Record<
    (typeof IMPORT_OUTCOMES)[number],
    z.ZodNumber
  >,
);

export const ZImportItemJson = z.strictObject({
  kind: z.enum(IMPORT_KINDS),
  source_id: z.string(),
  name: z.string(),
  outcome: z.enum(IMPORT_OUTCOMES),
  reason: z.string().nullable(),
  tally_id: z.string().nullable(),
});

export const ZImportScheduleJson = z.strictObject({
  source: z.enum(IMPORT_SOURCES),
  api_url: z.string(),
  every_hours: z.number().int(),
  next_run_at: z.string(),
  last_import_id: z.string().nullable(),
});

export const ZImportRunJson = z.strictObject({
  id: z.string(),
  object: z.literal("import"),
  source: z.enum(IMPORT_SOURCES),
  dry_run: z.boolean(),
  api_url: z.string(),
  status: z.enum(["succeeded", "failed"]),
  error: z.string().nullable(),
  counts: z
    .strictObject(
      Object.fromEntries(IMPORT_KINDS.map((k) => [k, ZOutcomeCounts])) as Record<
        (typeof IMPORT_KINDS)[number],
        typeof ZOutcomeCounts
      >,
    )
    .nullable(),
  items: z.array(ZImportItemJson),
  started_by: z.string(),
  started_at: z.string(),
  finished_at: z.string(),
});
export type ImportRunJson = z.infer<typeof ZImportRunJson>;

export const ZImportRunReplyJson = ZImportRunJson.extend({ schedule: ZImportScheduleJson.nullable().optional() });

export const ZImportListJson = z.strictObject({
  object: z.literal("list"),
  data: z.array(ZImportRunJson),
  schedules: z.array(ZImportScheduleJson),
});

/** DELETE /api/v1/imports/schedules/{source}. */
export const ZImportScheduleDeletedJson = z.strictObject({
  object: z.literal("import_schedule"),
  source: z.enum(IMPORT_SOURCES),
  /** false: the source had no schedule (nothing changed). */
  deleted: z.boolean(),
});
