// Corrections by an operator, always with a reason and always as new ledger rows: adjustments
// (positive into a bucket or a new one, negative out of one bucket or across buckets in
// precedence order), and the settlement of overage that was paid another way.
import "server-only";
import { db, type Executor } from "@/lib/db/client";
import type { CreditSource } from "@/lib/db/schema";
import { invalidField } from "@/lib/http/errors";
import { idempotent } from "@/lib/idempotency/idempotent";
import { newId } from "@/lib/ids";
import type { OpMeta } from "./account";
import { afterMovement } from "./after-movement";
import { withOrgGate } from "./org-gate";
import { runMovement, type MovementOutcome } from "./movement";
import type { AdjustmentJson } from "./schemas";

export async function adjustCredits(
  orgId: string,
  input: {
    amount: number;
    reason: string;
    bucketId?: string | null;
    source?: CreditSource;
    expiresAt?: Date | null;
    idempotencyKey: string;
    actor: string;
    now?: Date;
  },
): Promise<{ status: number; body: AdjustmentJson; replayed: boolean }> {
  const now = input.now ?? new Date();
  if (!Number.isSafeInteger(input.amount) || input.amount === 0)
    throw invalidField("amount", "must be a non-zero whole number of credits");
  if (input.expiresAt && input.expiresAt.getTime() <= now.getTime())
    throw invalidField("expires_at", "must be in the future");
  const operationId = newId("led");
  let outcome: MovementOutcome<void> | undefined;
  const request = {
    amount: input.amount,
    reason: input.reason,
    bucket_id: input.bucketId ?? null,
    source: input.source ?? null,
    expires_at: input.expiresAt?.toISOString() ?? null,
  };
  const res = await withOrgGate(orgId, () =>
    idempotent({ orgId, scope: "credits.adjust", key: input.idempotencyKey, request }, async (tx) => {
      const meta: OpMeta = {
        operationId,
        actor: input.actor,
        idempotencyKey: input.idempotencyKey,
        reason: input.reason,
      };
      outcome = await runMovement(
        tx,
        orgId,
        now,
        { operationId, bucketIds: input.bucketId ? [input.bucketId] : [] },
        (account) => {
          if (input.bucketId && !account.buckets.some((b) => b.id === input.bucketId))
            throw invalidField("bucket_id", "no such bucket for this customer");
          account.adjust(input.amount, meta, {
            bucketId: input.bucketId,
            newBucket:
              input.amount > 0 && !input.bucketId
                ? {
                    id: newId("grt"),
                    source: input.source ?? "promotional",
                    origin: "adjustment",
                    amount: input.amount,
                    remaining: input.amount,
                    priority: 0,
                    expiresAt: input.expiresAt ?? null,
                    expiredAt: null,
                    createdAt: now,
                    insert: {
                      idempotencyKey: `adjust:${input.idempotencyKey}`,
                      reference: null,
                      creditProductId: null,
                      subscriptionId: null,
                      reason: input.reason,
                      actor: input.actor,
                    },
                  }
                : undefined,
          });
        },
      );
      const o = outcome;
      const buckets = o.entries
        .filter((e) => e.operationId === operationId && e.bucketId)
        .map((e) => ({ bucket_id: e.bucketId!, source: e.source ?? "", credits: e.bucketDelta }));
      return {
        status: 201,
        body: {
          id: operationId,
          object: "credit_adjustment" as const,
          customer_id: orgId,
          amount: input.amount,
          reason: input.reason,
          buckets,
          balance_after: o.balance,
          created_at: now.toISOString(),
        },
      };
    }),
  );
  if (!res.replayed) await afterMovement(orgId, outcome);
  return res;
}

/**
 * Outstanding overage that was billed in money (an invoice line) is cleared, so later credits do
 * not repay it a second time. For the invoicing work; `reference` names the invoice.
 */
export async function settleOverage(
  orgId: string,
  input: { credits: number; reference: string; actor: string; now?: Date },
  tx?: Executor,
): Promise<{ settled: number; balance: number }> {
  const now = input.now ?? new Date();
  const run = (tx: Executor) =>
    runMovement(tx, orgId, now, {}, (account) =>
      account.settleOverage(input.credits, {
        actor: input.actor,
        reference: input.reference,
        reason: "overage billed",
      }),
    );
  const outcome = tx ? await run(tx) : await withOrgGate(orgId, () => db.transaction(run));
  return { settled: outcome.result, balance: outcome.balance };
}
