// What AI providers charge per token, from a date on: the cost side of resold AI usage.
import "server-only";
import { and, asc, desc, eq, lte } from "drizzle-orm";
import type { z } from "zod";
import { db } from "@/lib/db/client";
import { modelPrices, type ModelPrice } from "@/lib/db/schema";
import { conflict } from "@/lib/http/errors";
import { newId } from "@/lib/ids";
import { isUniqueViolation } from "@/lib/db/errors";
import type { ZModelPriceCreate } from "./schemas";

export async function createModelPrice(input: z.output<typeof ZModelPriceCreate>): Promise<ModelPrice> {
  try {
    const [row] = await db
      .insert(modelPrices)
      .values({
        id: newId("mpr"),
        provider: input.provider,
        model: input.model,
        inputPricePerToken: input.input_price_per_token,
        outputPricePerToken: input.output_price_per_token,
        currency: input.currency,
        effectiveFrom: input.effective_from ? new Date(input.effective_from) : new Date(),
      })
      .returning();
    return row!;
  } catch (e) {
    if (isUniqueViolation(e))
      throw conflict(`A price for ${input.provider}/${input.model} from that date already exists.`, [
        { field: "effective_from", message: "already priced from this date" },
      ]);
    throw e;
  }
}

export async function listModelPrices(): Promise<ModelPrice[]> {
  return db
    .select()
    .from(modelPrices)
    .orderBy(asc(modelPrices.provider), asc(modelPrices.model), desc(modelPrices.effectiveFrom));
}

/** The price of a model in force at a moment. */
export async function modelPriceAt(model: string, at: Date): Promise<ModelPrice | null> {
  const [row] = await db
    .select()
    .from(modelPrices)
    .where(and(eq(modelPrices.model, model), lte(modelPrices.effectiveFrom, at)))
    .orderBy(desc(modelPrices.effectiveFrom))
    .limit(1);
  return row ?? null;
}
