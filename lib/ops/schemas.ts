// Response shapes of the operations endpoints (zod): /api/health.
import { z } from "zod";

const ZPathHealthJson = z.strictObject({
  status: z.enum(["ok", "stuck"]),
  in_flight: z.number().int(),
  waiting: z.number().int(),
  oldest_running_ms: z.number(),
  oldest_waiting_ms: z.number(),
});

/** GET /api/health (200 when ok, 503 when unavailable, the same shape); checkHealth returns this type. */
export const ZHealthJson = z.strictObject({
  status: z.enum(["ok", "unavailable"]),
  database: z.strictObject({
    status: z.enum(["up", "down"]),
    driver: z.string(),
    latency_ms: z.number().optional(),
    error: z.string().optional(),
  }),
  paths: z.strictObject({ spend: ZPathHealthJson, ingest: ZPathHealthJson }),
});

export type HealthJson = z.infer<typeof ZHealthJson>;
