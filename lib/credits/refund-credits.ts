// Refunds of a spend (a consumption or a reservation's commit): the credits go back to the buckets
// they came from, and overage the spend caused is cancelled while it is outstanding. Partial
// refunds add up to at most what was spent. Credits returned to a bucket that has since expired
// expire again at once: a refund restores what the customer had, not more.
import "server-only";
import { and, eq, inArray } from "drizzle-orm";
import { creditLedger } from "@/lib/db/schema";
import { AppError, invalidField, notFound } from "@/lib/http/errors";
import { idempotent } from "@/lib/idempotency/idempotent";
import { newId } from "@/lib/ids";
import type { OpMeta } from "./account";
import { runMovement } from "./movement";
import { withOrgGate } from "./org-gate";
import type { RefundJson } from "./schemas";

/** Per part of a spend (bucket, or null for overage): what was spent minus what was refunded already. */
export function refundableParts(
  spent: { bucketId: string | null; credits: number }[],
  refunded: { bucketId: string | null; credits: number }[],
) {
  const left = new Map<string | null, number>();
  for (const s of spent) left.set(s.bucketId, (left.get(s.bucketId) ?? 0) + s.credits);
  for (const r of refunded) left.set(r.bucketId, (left.get(r.bucketId) ?? 0) - r.credits);
  return [...left.entries()]
    .map(([bucketId, credits]) => ({ bucketId, credits: Math.max(0, credits) }))
    .filter((p) => p.credits > 0);
}

/** Which parts a refund of `credits` returns: overage first (a debt cancelled), then buckets last-drawn first. */
export function refundPlan(parts: { bucketId: string | null; credits: number }[], credits: number) {
  const ordered = [...parts.filter((p) => p.bucketId === null), ...parts.filter((p) => p.bucketId !== null).reverse()];
  const plan: { bucketId: string | null; credits: number }[] = [];
  let left = credits;
  for (const p of ordered) {
    if (left <= 0) break;
    const take = Math.min(left, p.credits);
    plan.push({ bucketId: p.bucketId, credits: take });
    left -= take;
  }
  return plan;
}

export async function refundCredits(
  orgId: string,
  input: {
    consumptionId: string;
    credits?: number | null;
    reason: string;
    idempotencyKey: string;
    actor: string;
    now?: Date;
  },
): Promise<{ status: number; body: RefundJson; replayed: boolean }> {
  const now = input.now ?? new Date();
  const operationId = newId("led");
  const request = { consumption_id: input.consumptionId, credits: input.credits ?? null, reason: input.reason };
  return withOrgGate(orgId, () =>
    idempotent({ orgId, scope: "credits.refund", key: input.idempotencyKey, request }, async (tx) => {
      const spentRows = await tx
        .select()
        .from(creditLedger)
        .where(
          and(
            eq(creditLedger.orgId, orgId),
            eq(creditLedger.operationId, input.consumptionId),
            inArray(creditLedger.kind, ["consume", "commit", "overage"]),
          ),
        );
      if (spentRows.length === 0) throw notFound("Consumption");
      const spent = spentRows.map((r) => ({
        bucketId: r.kind === "overage" ? null : r.bucketId,
        credits: r.kind === "overage" ? -r.amount : -r.bucketDelta,
      }));
      const bucketIds = [...new Set(spent.map((s) => s.bucketId).filter((b): b is string => b !== null))];
      const outcome = await runMovement(tx, orgId, now, { operationId, bucketIds }, async (account, ctx) => {
        // Read under the lock, so two refunds of one spend cannot both see the same room.
        const earlier = await ctx.tx
          .select()
          .from(creditLedger)
          .where(
            and(
              eq(creditLedger.orgId, orgId),
              eq(creditLedger.kind, "refund"),
              eq(creditLedger.reference, input.consumptionId),
            ),
          );
        const parts = refundableParts(
          spent,
          earlier.map((r) => ({ bucketId: r.bucketId, credits: r.amount })),
        );
        const available = parts.reduce((s, p) => s + p.credits, 0);
        const credits = input.credits ?? available;
        if (available === 0)
          throw new AppError("conflict", `Consumption ${input.consumptionId} has been refunded in full.`);
        if (credits > available)
          throw invalidField("credits", `at most ${available} credits of this consumption are left to refund`);
        const meta: OpMeta = {
          operationId,
          actor: input.actor,
          idempotencyKey: input.idempotencyKey,
          reference: input.consumptionId,
          reason: input.reason,
        };
        return account.refund(refundPlan(parts, credits), meta);
      });
      const buckets = outcome.entries
        .filter((e) => e.operationId === operationId)
        .map((e) => ({ bucket_id: e.bucketId, source: e.source, credits: e.amount }));
      return {
        status: 201,
        body: {
          id: operationId,
          object: "credit_refund" as const,
          customer_id: orgId,
          consumption_id: input.consumptionId,
          credits: outcome.result,
          reason: input.reason,
          buckets,
          balance_after: outcome.balance,
          created_at: now.toISOString(),
        },
      };
    }),
  );
}
