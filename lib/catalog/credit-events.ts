// Credit events (what a unit of work costs in credits) and credit products (packs for sale).
import "server-only";
import { asc, eq } from "drizzle-orm";
import type { z } from "zod";
import { drawdownLinksChanged } from "@/lib/credits/drawdown-links";
import { db, type Executor } from "@/lib/db/client";
import { creditEvents, creditProducts, type CreditEvent, type CreditProduct } from "@/lib/db/schema";
import { AppError, conflict, notFound } from "@/lib/http/errors";
import { newId } from "@/lib/ids";
import { parseAmountToMinor } from "@/lib/money";
import { isUniqueViolation } from "@/lib/db/errors";
import type { ZCreditEventCreate, ZCreditEventPatch, ZCreditProductCreate } from "./schemas";

const duplicate = (what: string, code: string) =>
  conflict(`A ${what} with code "${code}" already exists.`, [{ field: "code", message: "already exists" }]);

export async function createCreditEvent(input: z.output<typeof ZCreditEventCreate>): Promise<CreditEvent> {
  try {
    const [row] = await db
      .insert(creditEvents)
      .values({ id: newId("cev"), ...input })
      .returning();
    return row!;
  } catch (e) {
    if (isUniqueViolation(e)) throw duplicate("credit event", input.code);
    throw e;
  }
}

export async function updateCreditEvent(ref: string, patch: z.output<typeof ZCreditEventPatch>): Promise<CreditEvent> {
  const [row] = await db
    .update(creditEvents)
    .set(patch)
    .where(ref.startsWith("cev_") ? eq(creditEvents.id, ref) : eq(creditEvents.code, ref))
    .returning();
  if (!row) throw notFound("Credit event");
  // The drawdown prices linked meters from this row (drawdown-links.ts): a deactivated event stops
  // spending at once, on every replica (NOTIFY; what one draws before it hears is drawn, and
  // billing nets exactly that — drawnQuantitySql).
  await drawdownLinksChanged();
  return row;
}

export async function listCreditEvents(): Promise<CreditEvent[]> {
  return db.select().from(creditEvents).orderBy(asc(creditEvents.category), asc(creditEvents.code));
}

export async function createCreditProduct(input: z.output<typeof ZCreditProductCreate>): Promise<CreditProduct> {
  let priceCents: number;
  try {
    priceCents = parseAmountToMinor(input.price, input.currency);
  } catch (e) {
    throw new AppError("validation_error", `price: ${(e as Error).message}`, [
      { field: "price", message: (e as Error).message },
    ]);
  }
  try {
    const [row] = await db
      .insert(creditProducts)
      .values({
        id: newId("cpr"),
        code: input.code,
        name: input.name,
        credits: input.credits,
        priceCents,
        currency: input.currency,
        active: input.active,
      })
      .returning();
    return row!;
  } catch (e) {
    if (isUniqueViolation(e)) throw duplicate("credit product", input.code);
    throw e;
  }
}

export async function updateCreditProduct(
  id: string,
  patch: { name?: string; active?: boolean },
): Promise<CreditProduct> {
  const [row] = await db.update(creditProducts).set(patch).where(eq(creditProducts.id, id)).returning();
  if (!row) throw notFound("Credit product");
  return row;
}

export async function listCreditProducts(opts: { includeInactive?: boolean } = {}): Promise<CreditProduct[]> {
  return db
    .select()
    .from(creditProducts)
    .where(opts.includeInactive ? undefined : eq(creditProducts.active, true))
    .orderBy(asc(creditProducts.credits));
}

/** The pack, or null; with the caller's executor, so a webhook's transaction reads it. */
export async function findCreditProduct(tx: Executor, id: string): Promise<CreditProduct | null> {
  const [row] = await tx.select().from(creditProducts).where(eq(creditProducts.id, id));
  return row ?? null;
}

export async function getCreditProduct(id: string): Promise<CreditProduct> {
  const [row] = await db.select().from(creditProducts).where(eq(creditProducts.id, id));
  if (!row) throw notFound("Credit product");
  return row;
}
