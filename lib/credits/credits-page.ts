// Everything a credits page shows, loaded in parallel: the balance (settled to this instant), 30
// days of spending and of usage drawn by meter, the packs for sale, and one page of the ledger with the filters applied.
import "server-only";
import { CREDIT_SOURCES, LEDGER_KINDS, type CreditSource, type LedgerKind } from "@/lib/db/schema";
import { notFound } from "@/lib/http/errors";
import { getCreditBalance } from "./balance";
import { listCreditPacks } from "./credit-packs";
import { exactBalanceJson } from "./drawdown-read";
import { drawdownSeries } from "./drawdown-series";
import { dailySpend, ledgerEventNames, listLedger } from "./ledger";
import { ledgerEntryJson } from "./serialize";

export type CreditsPageQuery = {
  kind?: string;
  source?: string;
  event?: string;
  operation?: string;
  reservation?: string;
  cursor?: string;
};

const oneOf = <T extends string>(list: readonly T[], v?: string): T | undefined =>
  v && (list as readonly string[]).includes(v) ? (v as T) : undefined;

export async function loadCreditsPage(orgId: string, q: CreditsPageQuery, opts: { ledgerLimit?: number } = {}) {
  const now = new Date();
  const view = await getCreditBalance(orgId, { now, includeSpent: true });
  if (!view) throw notFound("Customer");
  const [series, packs, ledger, events, drawdown, balance] = await Promise.all([
    dailySpend(orgId, now, 30),
    listCreditPacks(),
    listLedger(orgId, {
      limit: opts.ledgerLimit ?? 25,
      cursor: q.cursor,
      kind: oneOf<LedgerKind>(LEDGER_KINDS, q.kind),
      source: oneOf<CreditSource>(CREDIT_SOURCES, q.source),
      eventName: q.event || undefined,
      operationId: q.operation || undefined,
      reservationId: q.reservation || undefined,
    }),
    ledgerEventNames(orgId),
    drawdownSeries(orgId, now, 30),
    exactBalanceJson(orgId, view),
  ]);
  return {
    balance,
    drawdown,
    series,
    packs,
    ledger: { data: ledger.data.map(ledgerEntryJson), nextCursor: ledger.nextCursor },
    events,
  };
}
