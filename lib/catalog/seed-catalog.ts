// Low-level catalog inserts used by the demo seed and by tests' fixtures; the validated API
// operations (create-plan.ts and friends) build on the same tables.
import "server-only";
import { db, type Executor } from "@/lib/db/client";
import {
  creditEvents,
  creditProducts,
  features,
  meters,
  modelPrices,
  plans,
  type CreditEvent,
  type CreditProduct,
  type Feature,
  type Meter,
  type ModelPrice,
  type Plan,
} from "@/lib/db/schema";
import { newId } from "@/lib/ids";

export async function insertMeter(v: Omit<typeof meters.$inferInsert, "id">, tx: Executor = db): Promise<Meter> {
  const [row] = await tx
    .insert(meters)
    .values({ id: newId("mtr"), ...v })
    .returning();
  return row!;
}

export async function insertPlan(v: Omit<typeof plans.$inferInsert, "id">, tx: Executor = db): Promise<Plan> {
  const [row] = await tx
    .insert(plans)
    .values({ id: newId("plan"), ...v })
    .returning();
  return row!;
}

export async function insertCreditEvent(
  v: Omit<typeof creditEvents.$inferInsert, "id">,
  tx: Executor = db,
): Promise<CreditEvent> {
  const [row] = await tx
    .insert(creditEvents)
    .values({ id: newId("cev"), ...v })
    .returning();
  return row!;
}

export async function insertCreditProduct(
  v: Omit<typeof creditProducts.$inferInsert, "id">,
  tx: Executor = db,
): Promise<CreditProduct> {
  const [row] = await tx
    .insert(creditProducts)
    .values({ id: newId("cpr"), ...v })
    .returning();
  return row!;
}

export async function insertModelPrice(
  v: Omit<typeof modelPrices.$inferInsert, "id">,
  tx: Executor = db,
): Promise<ModelPrice> {
  const [row] = await tx
    .insert(modelPrices)
    .values({ id: newId("mpr"), ...v })
    .returning();
  return row!;
}

export async function insertFeature(v: Omit<typeof features.$inferInsert, "id">, tx: Executor = db): Promise<Feature> {
  const [row] = await tx
    .insert(features)
    .values({ id: newId("feat"), ...v })
    .returning();
  return row!;
}
