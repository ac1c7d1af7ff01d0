// The credit packs for sale (the catalog's credit_products), as the credits page shows them.
import "server-only";
import { asc, eq } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { creditProducts } from "@/lib/db/schema";
import { pricePerCredit } from "./movement-decide";

export type CreditPack = {
  id: string;
  code: string;
  name: string;
  credits: number;
  priceCents: number;
  currency: string;
  pricePerCredit: string;
};

export async function listCreditPacks(): Promise<CreditPack[]> {
  const list = await db
    .select()
    .from(creditProducts)
    .where(eq(creditProducts.active, true))
    .orderBy(asc(creditProducts.credits));
  return list.map((p) => ({
    id: p.id,
    code: p.code,
    name: p.name,
    credits: p.credits,
    priceCents: p.priceCents,
    currency: p.currency,
    pricePerCredit: pricePerCredit(p.priceCents, p.credits, p.currency),
  }));
}
