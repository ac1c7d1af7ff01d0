// Exact reads: the balance as of this instant counts the usage of linked meters that is stored
// but not yet drawn down (the events after the organization's drawdown cursor), in one statement
// with the balance and the cursor, so a drawdown committing meanwhile is counted once — either in
// the balance or as pending, never both.
import "server-only";
import type { CreditBalanceJson } from "./schemas";
import { sql, type SQL } from "drizzle-orm";
import { rows, type Executor } from "@/lib/db/client";
import { balanceJson, type CreditBalanceView } from "./balance";
import { pendingCreditsSql } from "./drawdown-events";
import { isLow } from "./low-balance-rule";
import { drawdownLinks, type DrawdownLink } from "./drawdown-links";
import { allowOverageSql } from "./on-empty";

export type ExactBalance = {
  /** The ledger's balance (drawn usage only). */
  ledgerBalance: number;
  held: number;
  /** Credits of usage stored but not yet drawn. */
  pending: number;
  /** ledgerBalance − pending: what the customer has left now. */
  balance: number;
  allowOverage: boolean;
};

/** The cursor of organization `orgId` (an SQL expression): events ingested at or after it are not drawn yet. */
export const cursorSql = (orgId: string | SQL) =>
  sql`coalesce((select drawn_through from credit_drawdown_cursors where org_id = ${orgId}), '-infinity'::timestamptz)`;

/**
 * The select-list columns of an exact read for organization `orgId` (an SQL expression: a column
 * of the statement's own or a parameter): ledger_balance, held, pending (credits of usage not yet
 * drawn) and allow_overage (effective, on-empty.ts) — one statement, one snapshot. The entitlement
 * check puts them in its own statement (lib/metering/entitlement.ts), so it answers in one round trip.
 */
export function exactBalanceColumns(orgId: string | SQL, links: DrawdownLink[]): SQL {
  return sql`coalesce((select balance from credit_balances where org_id = ${orgId}), 0)::text as ledger_balance,
             coalesce((select held from credit_balances where org_id = ${orgId}), 0)::text as held,
             ${pendingCreditsSql(orgId, links, cursorSql(orgId))}::text as pending,
             ${allowOverageSql(sql`${orgId}`, sql`(select allow_overage from organizations where id = ${orgId})`)} as allow_overage`;
}

export type ExactBalanceRow = {
  ledger_balance: unknown;
  held: unknown;
  pending: unknown;
  allow_overage: boolean | null;
};

export function exactBalanceOf(r: ExactBalanceRow | undefined): ExactBalance {
  const ledgerBalance = Number(r?.ledger_balance ?? 0);
  const p = Number(r?.pending ?? 0);
  return {
    ledgerBalance,
    held: Number(r?.held ?? 0),
    pending: p,
    balance: ledgerBalance - p,
    allowOverage: r?.allow_overage ?? false,
  };
}

export async function exactBalance(orgId: string, tx?: Executor): Promise<ExactBalance> {
  const links = await drawdownLinks();
  const [r] = await rows<ExactBalanceRow>(sql`select ${exactBalanceColumns(orgId, links)}`, tx);
  return exactBalanceOf(r);
}

/** The links of a meter, for entitlements: the cheapest credits per unit among them (null: not priced in credits). */
export function creditPriceOf(links: DrawdownLink[], meterId: string): number | null {
  const prices = links
    .filter((l) => l.meterId === meterId && l.archivedAt === null && l.creditsPerUnit !== null)
    .map((l) => l.creditsPerUnit!);
  return prices.length ? Math.min(...prices) : null;
}

export { drawdownLinks };

/**
 * The balance answer of GET /api/v1/credits, exact at the instant: `balance` less the usage not yet
 * drawn (`pending_usage_credits`); `ledger_balance` is the ledger's own (Σ bucket remaining − held − overage).
 */
export async function exactBalanceJson(orgId: string, view: CreditBalanceView): Promise<CreditBalanceJson> {
  const json = balanceJson(view);
  if ((await drawdownLinks()).length === 0) return json;
  const b = await exactBalance(orgId);
  return {
    ...json,
    balance: b.balance,
    ledger_balance: b.ledgerBalance,
    pending_usage_credits: b.pending,
    low_balance: { ...json.low_balance, below: isLow(b.balance, json.low_balance.threshold) },
  };
}
