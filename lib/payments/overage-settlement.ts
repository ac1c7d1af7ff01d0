// Overage billed on an invoice is settled in the credits ledger: the credits it paid for are
// granted (once per subscription period), and the ledger repays the outstanding overage from them
// at once — so the credits a customer buys next are not taken a second time for overage the
// invoice already charged.
import "server-only";
import { grantBucket } from "@/lib/credits/grant-credits";
import type { Executor } from "@/lib/db/client";
import type { Subscription } from "@/lib/db/schema";
import { dec } from "@/lib/money";
import { periodKey, type PeriodLine } from "./period-lines";

export async function settleInvoicedOverage(
  tx: Executor,
  sub: Subscription,
  period: { start: Date },
  lines: Pick<PeriodLine, "kind" | "quantity">[],
  at: Date,
): Promise<number> {
  const credits = lines.filter((l) => l.kind === "overage").reduce((s, l) => s + dec(l.quantity).toNumber(), 0);
  if (credits <= 0) return 0;
  await grantBucket(
    tx,
    sub.orgId,
    {
      source: "purchased",
      origin: "adjustment",
      amount: credits,
      expiresAt: null,
      idempotencyKey: `overage-invoiced:${sub.id}:${periodKey(period)}`,
      reference: `${sub.id}:${periodKey(period)}`,
      reason: "Overage billed on the period's invoice",
      actor: "billing",
    },
    at,
  );
  return credits;
}
