// Per-organization credit settings: the order sources are spent in and whether overage is allowed
// (columns of organizations, which exist for credits), the overage price and the low-balance
// threshold (on the organization's credit_balances row). Operators change them.
import "server-only";
import { eq, sql } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { creditBalances, organizations, type CreditSource } from "@/lib/db/schema";
import { notFound } from "@/lib/http/errors";
import { normalizePrecedence } from "./precedence";
import type { CreditSettingsJson } from "./schemas";

export type CreditSettings = {
  precedence: CreditSource[];
  allowOverage: boolean;
  /** Decimal string in major units; null uses the smallest active pack's price per credit. */
  overagePricePerCredit: string | null;
  overageCurrency: string;
  /** Credits; null uses 10 % of the newest subscription allocation. */
  lowBalanceThreshold: number | null;
};

export function creditSettingsJson(orgId: string, s: CreditSettings): CreditSettingsJson {
  return {
    object: "credit_settings",
    customer_id: orgId,
    precedence: s.precedence,
    allow_overage: s.allowOverage,
    overage_price_per_credit: s.overagePricePerCredit,
    overage_currency: s.overageCurrency,
    low_balance_threshold: s.lowBalanceThreshold,
  };
}

export async function getCreditSettings(orgId: string): Promise<CreditSettings> {
  const [row] = await db
    .select({
      precedence: organizations.creditPrecedence,
      allowOverage: organizations.allowOverage,
      price: sql<string | null>`${creditBalances.overagePricePerCredit}::text`,
      currency: creditBalances.overageCurrency,
      threshold: creditBalances.lowBalanceThreshold,
    })
    .from(organizations)
    .leftJoin(creditBalances, eq(creditBalances.orgId, organizations.id))
    .where(eq(organizations.id, orgId));
  if (!row) throw notFound("Customer");
  return {
    precedence: normalizePrecedence(row.precedence),
    allowOverage: row.allowOverage,
    overagePricePerCredit: row.price,
    overageCurrency: row.currency ?? "usd",
    lowBalanceThreshold: row.threshold ?? null,
  };
}

export type CreditSettingsPatch = Partial<CreditSettings>;

export async function updateCreditSettings(orgId: string, patch: CreditSettingsPatch): Promise<CreditSettings> {
  await db.transaction(async (tx) => {
    const [org] = await tx.select({ id: organizations.id }).from(organizations).where(eq(organizations.id, orgId));
    if (!org) throw notFound("Customer");
    if (patch.precedence !== undefined || patch.allowOverage !== undefined) {
      await tx
        .update(organizations)
        .set({
          ...(patch.precedence !== undefined && { creditPrecedence: patch.precedence }),
          ...(patch.allowOverage !== undefined && { allowOverage: patch.allowOverage }),
          updatedAt: new Date(),
        })
        .where(eq(organizations.id, orgId));
    }
    const balanceSettings = {
      ...(patch.overagePricePerCredit !== undefined && { overagePricePerCredit: patch.overagePricePerCredit }),
      ...(patch.overageCurrency !== undefined && { overageCurrency: patch.overageCurrency }),
      ...(patch.lowBalanceThreshold !== undefined && { lowBalanceThreshold: patch.lowBalanceThreshold }),
    };
    if (Object.keys(balanceSettings).length) {
      await tx
        .insert(creditBalances)
        .values({ orgId, ...balanceSettings })
        .onConflictDoUpdate({ target: creditBalances.orgId, set: balanceSettings });
    }
  });
  return getCreditSettings(orgId);
}
