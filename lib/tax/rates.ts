// The operator's tax rates: created, renamed, archived (never deleted — issued invoices name them).
// A rate's figures never change once created; a new percentage is a new rate.
import "server-only";
import { and, asc, desc, eq } from "drizzle-orm";
import { db, type Executor } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/errors";
import { taxRates, type TaxRate } from "@/lib/db/schema";
import { conflict, notFound } from "@/lib/http/errors";
import { newId } from "@/lib/ids";
import type { RateRow } from "./select";
import type { TaxRateCreate, TaxRateJson } from "./schemas";

export function taxRateJson(r: TaxRate): TaxRateJson {
  return {
    object: "tax_rate",
    id: r.id,
    country: r.country,
    region: r.region,
    name: r.name,
    percentage: r.percentage,
    inclusive: r.inclusive,
    active: r.active,
    stripe_tax_rate_id: r.stripeTaxRateId,
    created_at: r.createdAt.toISOString(),
  };
}

export async function listTaxRates(tx: Executor = db): Promise<TaxRate[]> {
  return tx
    .select()
    .from(taxRates)
    .orderBy(desc(taxRates.active), asc(taxRates.country), asc(taxRates.region), desc(taxRates.createdAt));
}

/** The active rates of some countries, as rate selection reads them. */
export async function activeRates(tx: Executor, country?: string): Promise<RateRow[]> {
  return tx
    .select()
    .from(taxRates)
    .where(and(eq(taxRates.active, true), country ? eq(taxRates.country, country) : undefined));
}

const jurisdictionTaken = (country: string, region: string | null) =>
  conflict(
    `${country}${region ? `-${region}` : ""} has an active tax rate already: archive it first (a jurisdiction has one active rate).`,
    [{ field: "country", message: "has an active rate already" }],
  );

export async function createTaxRate(input: TaxRateCreate, tx: Executor = db): Promise<TaxRate> {
  try {
    const [row] = await tx
      .insert(taxRates)
      .values({ id: newId("txr"), ...input })
      .returning();
    return row!;
  } catch (e) {
    if (isUniqueViolation(e)) throw jurisdictionTaken(input.country, input.region);
    throw e;
  }
}

export async function updateTaxRate(
  id: string,
  patch: { active?: boolean; name?: string },
  tx: Executor = db,
): Promise<TaxRate> {
  try {
    const [row] = await tx
      .update(taxRates)
      .set({ ...patch, updatedAt: new Date() })
      .where(eq(taxRates.id, id))
      .returning();
    if (!row) throw notFound("Tax rate");
    return row;
  } catch (e) {
    if (isUniqueViolation(e)) {
      const [r] = await tx.select().from(taxRates).where(eq(taxRates.id, id));
      throw jurisdictionTaken(r!.country, r!.region);
    }
    throw e;
  }
}
