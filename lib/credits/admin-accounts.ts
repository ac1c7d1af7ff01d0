// The admin's view across customers: each one's balance, holds and overage.
import "server-only";
import { inArray, sql } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { creditBalances } from "@/lib/db/schema";
import { listOrganizations } from "@/lib/orgs/organizations";

export async function listCreditAccounts(opts: { limit: number; cursor?: string; search?: string }) {
  const page = await listOrganizations(opts);
  const ids = page.data.map((o) => o.id);
  const balances = ids.length
    ? await db
        .select({
          orgId: creditBalances.orgId,
          balance: creditBalances.balance,
          held: creditBalances.held,
          overage: creditBalances.overage,
          updatedAt: creditBalances.updatedAt,
        })
        .from(creditBalances)
        .where(inArray(creditBalances.orgId, ids))
    : [];
  const byOrg = new Map(balances.map((b) => [b.orgId, b]));
  return {
    nextCursor: page.nextCursor,
    rows: page.data.map((o) => {
      const b = byOrg.get(o.id);
      return {
        id: o.id,
        name: o.name,
        externalId: o.externalId,
        balance: b?.balance ?? 0,
        held: b?.held ?? 0,
        overage: b?.overage ?? 0,
        lastMovementAt: b?.updatedAt ?? null,
      };
    }),
  };
}

/** Platform totals: credits spendable, held and in overage across every customer. */
export async function creditTotals(): Promise<{ balance: number; held: number; overage: number; accounts: number }> {
  const [row] = await db
    .select({
      balance: sql<string>`coalesce(sum(${creditBalances.balance}), 0)::text`,
      held: sql<string>`coalesce(sum(${creditBalances.held}), 0)::text`,
      overage: sql<string>`coalesce(sum(${creditBalances.overage}), 0)::text`,
      accounts: sql<number>`count(*)::int`,
    })
    .from(creditBalances);
  return {
    balance: Number(row?.balance ?? 0),
    held: Number(row?.held ?? 0),
    overage: Number(row?.overage ?? 0),
    accounts: Number(row?.accounts ?? 0),
  };
}
