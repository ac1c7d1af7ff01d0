// Granting credits: a new bucket with a source, an optional expiry and where it came from. Every
// grant carries an exactly-once key (unique per organization): a purchase is keyed by its payment
// id, an allocation by subscription and window, an operator's grant by the request's key. The key
// is checked under the organization's lock, and the unique index backs it up.
import "server-only";
import { and, eq } from "drizzle-orm";
import { db, type Executor } from "@/lib/db/client";
import { creditGrants, creditProducts, type CreditGrant, type CreditSource, type GrantOrigin } from "@/lib/db/schema";
import { conflict, invalidField, notFound } from "@/lib/http/errors";
import { idempotent } from "@/lib/idempotency/idempotent";
import { newId } from "@/lib/ids";
import { emitCreditsGranted } from "@/lib/outbound-webhooks/events";
import type { OpMeta } from "./account";
import { afterMovement } from "./after-movement";
import { withOrgGate } from "./org-gate";
import { runMovement, type MovementOutcome } from "./movement";
import type { GrantJson } from "./schemas";

export type BucketSpec = {
  source: CreditSource;
  origin: GrantOrigin;
  amount: number;
  priority?: number;
  expiresAt?: Date | null;
  idempotencyKey: string;
  reference?: string | null;
  creditProductId?: string | null;
  subscriptionId?: string | null;
  reason?: string | null;
  actor: string;
};

export function grantJson(g: CreditGrant): GrantJson {
  return {
    id: g.id,
    object: "credit_grant",
    customer_id: g.orgId,
    source: g.source,
    origin: g.origin,
    amount: g.amount,
    remaining: g.remaining,
    priority: g.priority,
    expires_at: g.expiresAt?.toISOString() ?? null,
    reference: g.reference,
    credit_product_id: g.creditProductId,
    reason: g.reason,
    created_at: g.createdAt.toISOString(),
  };
}

async function grantByKey(tx: Executor, orgId: string, key: string): Promise<CreditGrant | null> {
  const [g] = await tx
    .select()
    .from(creditGrants)
    .where(and(eq(creditGrants.orgId, orgId), eq(creditGrants.idempotencyKey, key)));
  return g ?? null;
}

/**
 * Grants one bucket inside the caller's transaction, once per key: when the key was already
 * granted, nothing moves and the existing grant comes back with `created: false`.
 */
export async function grantBucket(
  tx: Executor,
  orgId: string,
  spec: BucketSpec,
  now: Date,
  opts: { allocation?: boolean } = {},
): Promise<{ grant: CreditGrant; created: boolean; outcome: MovementOutcome<boolean> }> {
  if (!Number.isSafeInteger(spec.amount) || spec.amount <= 0)
    throw invalidField("amount", "must be a positive whole number of credits");
  if (spec.expiresAt && spec.expiresAt.getTime() <= now.getTime())
    throw invalidField("expires_at", "must be in the future");
  const id = newId("grt");
  const outcome = await runMovement(tx, orgId, now, {}, async (account, ctx) => {
    if (await grantByKey(ctx.tx, orgId, spec.idempotencyKey)) return false;
    const meta: OpMeta = {
      actor: spec.actor,
      idempotencyKey: spec.idempotencyKey,
      reference: spec.reference ?? null,
      reason: spec.reason ?? null,
    };
    account.grant(
      {
        id,
        source: spec.source,
        origin: spec.origin,
        amount: spec.amount,
        remaining: spec.amount,
        priority: spec.priority ?? 0,
        expiresAt: spec.expiresAt ?? null,
        expiredAt: null,
        createdAt: now,
        insert: {
          idempotencyKey: spec.idempotencyKey,
          reference: spec.reference ?? null,
          creditProductId: spec.creditProductId ?? null,
          subscriptionId: spec.subscriptionId ?? null,
          reason: spec.reason ?? null,
          actor: spec.actor,
        },
      },
      meta,
    );
    if (opts.allocation) ctx.lastAllocation = spec.amount;
    return true;
  });
  const grant = await grantByKey(tx, orgId, spec.idempotencyKey);
  if (outcome.result) await emitCreditsGranted(tx, grant!, outcome.balance);
  return { grant: grant!, created: outcome.result, outcome };
}

/** An operator's grant (promotional or manual), idempotent by the request's key. */
export async function grantCredits(
  orgId: string,
  input: {
    amount: number;
    source: CreditSource;
    expiresAt: Date | null;
    priority?: number;
    reason: string;
    reference?: string | null;
    idempotencyKey: string;
    actor: string;
    now?: Date;
  },
): Promise<{ status: number; body: GrantJson; replayed: boolean }> {
  const now = input.now ?? new Date();
  let outcome: MovementOutcome<boolean> | undefined;
  const request = {
    amount: input.amount,
    source: input.source,
    expires_at: input.expiresAt?.toISOString() ?? null,
    priority: input.priority ?? 0,
    reason: input.reason,
    reference: input.reference ?? null,
  };
  const res = await withOrgGate(orgId, () =>
    idempotent({ orgId, scope: "credits.grant", key: input.idempotencyKey, request }, async (tx) => {
      const r = await grantBucket(
        tx,
        orgId,
        {
          source: input.source,
          origin: "admin",
          amount: input.amount,
          priority: input.priority,
          expiresAt: input.expiresAt,
          idempotencyKey: `grant:${input.idempotencyKey}`,
          reference: input.reference ?? null,
          reason: input.reason,
          actor: input.actor,
        },
        now,
      );
      outcome = r.outcome;
      return { status: 201, body: { ...grantJson(r.grant), balance_after: r.outcome.balance } };
    }),
  );
  if (!res.replayed) await afterMovement(orgId, outcome);
  return res;
}

export type PurchaseGrantInput = {
  creditProductId: string;
  /** The confirmed payment (Stripe payment intent or checkout session, or the local sandbox's payment id). */
  paymentId: string;
  /** Packs bought in this payment. */
  packs?: number;
  actor: string;
  now?: Date;
  /** False when the payment was test money (the sandbox): the credits are spendable, but not deferred revenue. */
  livemode?: boolean;
};

/**
 * Grants a credit pack for a confirmed payment — once per payment id, however often the webhook
 * or the sandbox calls. Call it when the payment is confirmed (a webhook), never on the checkout
 * redirect. Purchased credits never expire. Pass `tx` to grant inside the caller's transaction.
 */
export async function grantPurchasedCredits(
  orgId: string,
  input: PurchaseGrantInput,
  tx?: Executor,
): Promise<{ grant: CreditGrant; created: boolean }> {
  const now = input.now ?? new Date();
  const packs = input.packs ?? 1;
  if (!Number.isSafeInteger(packs) || packs < 1) throw invalidField("packs", "must be a positive whole number");
  const run = async (tx: Executor) => {
    const [product] = await tx.select().from(creditProducts).where(eq(creditProducts.id, input.creditProductId));
    if (!product) throw notFound("Credit product");
    const r = await grantBucket(
      tx,
      orgId,
      {
        source: "purchased",
        origin: "purchase",
        amount: product.credits * packs,
        idempotencyKey: `purchase:${input.paymentId}`,
        reference: input.paymentId,
        creditProductId: product.id,
        reason: packs > 1 ? `${packs} × ${product.name}` : product.name,
        actor: input.actor,
      },
      now,
    );
    if (!r.created && (r.grant.creditProductId !== product.id || r.grant.amount !== product.credits * packs)) {
      throw conflict(`Payment ${input.paymentId} already granted ${r.grant.amount} credits of another pack.`);
    }
    // Marked here rather than in the ledger's one write statement: the flag is about money, not credits.
    if (r.created && input.livemode === false) {
      const [g] = await tx
        .update(creditGrants)
        .set({ livemode: false })
        .where(and(eq(creditGrants.orgId, orgId), eq(creditGrants.id, r.grant.id)))
        .returning();
      return { ...r, grant: g! };
    }
    return r;
  };
  const r = tx ? await run(tx) : await withOrgGate(orgId, () => db.transaction(run));
  if (r.created && !tx) await afterMovement(orgId, r.outcome);
  return { grant: r.grant, created: r.created };
}
