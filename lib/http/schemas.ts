// Shared request-shape pieces (zod), reused by routes and by the OpenAPI document.
import { z } from "zod";

export const ZLimit = (max = 100, fallback = 20) => z.coerce.number().int().min(1).max(max).default(fallback);
export const ZCursor = z.string().min(1).max(200).optional();
export const ZId = z.string().min(1).max(100);
export const ZIdParams = z.object({ id: ZId });
export const ZIsoDate = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
export const ZIdempotencyKey = z.string().trim().min(1).max(255);
export type Page<T> = { data: T[]; next_cursor: string | null };

/** A cursor-paginated list answer: `{data, next_cursor}` (the response shape of every list endpoint). */
export const ZPage = <T extends z.ZodType>(item: T) =>
  z.strictObject({ data: z.array(item), next_cursor: z.string().nullable() });
