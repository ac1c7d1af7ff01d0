// Meters: how events become quantities (event name, aggregation, property, filters, group-by).
import "server-only";
import { asc, eq, inArray, isNull } from "drizzle-orm";
import { meterHasLiveLink } from "@/lib/credits/drawdown-links";
import { broadcastInvalidation } from "@/lib/cache/invalidation";
import { db, type Executor } from "@/lib/db/client";
import { meters, type Meter } from "@/lib/db/schema";
import { conflict, invalidField, notFound } from "@/lib/http/errors";
import { newId } from "@/lib/ids";
import { isUniqueViolation } from "@/lib/db/errors";
import type { MeterCreate, MeterPatch } from "./schemas";

export async function createMeter(input: MeterCreate): Promise<Meter> {
  try {
    const [m] = await db
      .insert(meters)
      .values({
        id: newId("mtr"),
        code: input.code,
        name: input.name,
        eventName: input.event_name,
        aggregation: input.aggregation,
        property: input.property ?? null,
        filters: input.filters,
        groupBy: input.group_by,
        unit: input.unit,
        allowNegative: input.allow_negative,
      })
      .returning();
    await broadcastInvalidation("catalog", "meters");
    return m!;
  } catch (e) {
    if (isUniqueViolation(e, "meters_code_key"))
      throw conflict(`A meter with code "${input.code}" already exists.`, [
        { field: "code", message: "already exists" },
      ]);
    throw e;
  }
}

export async function listMeters(opts: { includeArchived?: boolean } = {}, tx: Executor = db): Promise<Meter[]> {
  return tx
    .select()
    .from(meters)
    .where(opts.includeArchived ? undefined : isNull(meters.archivedAt))
    .orderBy(asc(meters.code));
}

/** By id or code. */
export async function getMeter(ref: string): Promise<Meter> {
  const [m] = await db
    .select()
    .from(meters)
    .where(ref.startsWith("mtr_") ? eq(meters.id, ref) : eq(meters.code, ref));
  if (!m) throw notFound("Meter");
  return m;
}

export async function updateMeter(ref: string, patch: MeterPatch): Promise<Meter> {
  const meter = await getMeter(ref);
  if (patch.allow_negative && meter.aggregation !== "sum")
    throw invalidField("allow_negative", "only a sum meter adds negative values up");
  if (patch.allow_negative && !meter.allowNegative && (await meterHasLiveLink(meter.id)))
    throw invalidField(
      "allow_negative",
      `meter ${meter.code} is priced in credits (a credit meter link), and a negative correction cannot give credits back; archive the link first`,
    );
  const [m] = await db
    .update(meters)
    .set({
      ...(patch.name !== undefined && { name: patch.name }),
      ...(patch.unit !== undefined && { unit: patch.unit }),
      ...(patch.allow_negative !== undefined && { allowNegative: patch.allow_negative }),
      ...(patch.archived !== undefined && { archivedAt: patch.archived ? (meter.archivedAt ?? new Date()) : null }),
    })
    .where(eq(meters.id, meter.id))
    .returning();
  await broadcastInvalidation("catalog", "meters");
  return m!;
}

export async function metersByCode(codes: string[], tx: Executor = db): Promise<Map<string, Meter>> {
  if (codes.length === 0) return new Map();
  const rows = await tx
    .select()
    .from(meters)
    .where(inArray(meters.code, [...new Set(codes)]));
  return new Map(rows.map((m) => [m.code, m]));
}
