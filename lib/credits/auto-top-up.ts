// Auto top-up settings and history (issue 18, item 4). A customer (or an operator for them) says
// "when my balance falls below N credits, buy pack P, at most M times a month". Turning it on
// mirrors N into credit_balances.auto_top_up_below, which the crossing trigger reads (schema
// auto-top-up.ts); turning it off clears it, so no crossing is detected. Turning it on while the
// balance is already below N buys at once, keyed by the balance's newest movement, so switching it
// off and on again without a movement in between buys once. The charge itself runs in the outbox
// (lib/payments/auto-top-up-charge.ts).
import "server-only";
import { and, desc, eq, gte, inArray, sql } from "drizzle-orm";
import { db, type Executor } from "@/lib/db/client";
import {
  autoTopUps,
  autoTopUpSettings,
  creditBalances,
  creditProducts,
  organizations,
  type AutoTopUp,
  type AutoTopUpSettings,
} from "@/lib/db/schema";
import { invalidField, notFound } from "@/lib/http/errors";
import { enqueue } from "@/lib/jobs/outbox";
import { defaultPaymentMethod } from "@/lib/payments/payment-methods";
import { activeProvider } from "@/lib/payments/provider";
import type { AutoTopUpJson, AutoTopUpRowJson } from "./schemas";

export const AUTO_TOP_UP_JOB = "credits.auto_top_up";

/** Statuses that count towards the monthly limit: a top-up bought, being bought, or billed. */
export const COUNTED_STATUSES = ["pending", "succeeded", "requires_action", "invoiced"] as const;

export type AutoTopUpInput = {
  enabled: boolean;
  thresholdCredits: number;
  creditProductId: string;
  maxPerMonth: number;
};

export const monthStart = (at: Date) => new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));

export async function topUpsThisMonth(tx: Executor, orgId: string, at: Date, exceptId?: string): Promise<number> {
  const [r] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(autoTopUps)
    .where(
      and(
        eq(autoTopUps.orgId, orgId),
        gte(autoTopUps.createdAt, monthStart(at)),
        inArray(autoTopUps.status, [...COUNTED_STATUSES]),
        exceptId ? sql`${autoTopUps.id} <> ${exceptId}` : undefined,
      ),
    );
  return Number(r?.n ?? 0);
}

export type AutoTopUpView = {
  settings: AutoTopUpSettings | null;
  usedThisMonth: number;
  history: AutoTopUp[];
  balance: number;
};

export async function getAutoTopUp(orgId: string, opts: { limit?: number; now?: Date } = {}): Promise<AutoTopUpView> {
  const now = opts.now ?? new Date();
  const [org] = await db.select({ id: organizations.id }).from(organizations).where(eq(organizations.id, orgId));
  if (!org) throw notFound("Customer");
  const [[settings], history, usedThisMonth, [bal]] = await Promise.all([
    db.select().from(autoTopUpSettings).where(eq(autoTopUpSettings.orgId, orgId)),
    db
      .select()
      .from(autoTopUps)
      .where(eq(autoTopUps.orgId, orgId))
      .orderBy(desc(autoTopUps.createdAt), desc(autoTopUps.id))
      .limit(opts.limit ?? 20),
    topUpsThisMonth(db, orgId, now),
    db.select({ balance: creditBalances.balance }).from(creditBalances).where(eq(creditBalances.orgId, orgId)),
  ]);
  return { settings: settings ?? null, usedThisMonth, history, balance: bal?.balance ?? 0 };
}

export async function setAutoTopUp(
  orgId: string,
  input: AutoTopUpInput,
  actor: string,
  now = new Date(),
): Promise<AutoTopUpView> {
  if (!Number.isSafeInteger(input.thresholdCredits) || input.thresholdCredits < 1)
    throw invalidField("threshold_credits", "a whole number of credits, at least 1");
  if (!Number.isInteger(input.maxPerMonth) || input.maxPerMonth < 1 || input.maxPerMonth > 100)
    throw invalidField("max_per_month", "a whole number from 1 to 100");
  await db.transaction(async (tx) => {
    const [org] = await tx.select({ id: organizations.id }).from(organizations).where(eq(organizations.id, orgId));
    if (!org) throw notFound("Customer");
    const [pack] = await tx.select().from(creditProducts).where(eq(creditProducts.id, input.creditProductId));
    if (!pack || !pack.active || pack.credits <= 0)
      throw invalidField("credit_product_id", "no credit pack for sale with this id");
    // A card charged off-session must be on file; invoice billing needs none (it issues an invoice).
    const provider = activeProvider();
    if (input.enabled && provider !== "manual") {
      const pm = await defaultPaymentMethod(tx, orgId);
      if (!pm || pm.provider !== provider)
        throw invalidField(
          "enabled",
          "no saved card to charge: buy a credit pack once (the card is kept) or add one in the payment portal",
        );
    }
    const values = {
      enabled: input.enabled,
      thresholdCredits: input.thresholdCredits,
      creditProductId: input.creditProductId,
      maxPerMonth: input.maxPerMonth,
      updatedBy: actor,
      updatedAt: now,
    };
    await tx
      .insert(autoTopUpSettings)
      .values({ orgId, ...values })
      .onConflictDoUpdate({ target: autoTopUpSettings.orgId, set: values });
    // The balance row's lock orders this against movements: a spend that commits first is seen
    // below (and bought for now), one that commits after sees the new threshold in the trigger.
    await tx.insert(creditBalances).values({ orgId }).onConflictDoNothing();
    const [bal] = await tx
      .update(creditBalances)
      .set({ autoTopUpBelow: input.enabled ? input.thresholdCredits : null })
      .where(eq(creditBalances.orgId, orgId))
      .returning({ balance: creditBalances.balance, lastSeq: creditBalances.lastSeq });
    if (input.enabled && bal && bal.balance < input.thresholdCredits) {
      const crossingKey = `enabled:${bal.lastSeq}`;
      await enqueue(tx, {
        kind: AUTO_TOP_UP_JOB,
        orgId,
        payload: { crossing_key: crossingKey, balance: bal.balance, threshold: input.thresholdCredits },
        dedupeKey: `${AUTO_TOP_UP_JOB}:${orgId}:${crossingKey}`,
        maxAttempts: 5,
      });
    }
  });
  return getAutoTopUp(orgId, { now });
}

export function autoTopUpJson(v: AutoTopUpView): AutoTopUpJson {
  const s = v.settings;
  return {
    object: "auto_top_up",
    enabled: s?.enabled ?? false,
    threshold_credits: s?.thresholdCredits ?? null,
    credit_product_id: s?.creditProductId ?? null,
    max_per_month: s?.maxPerMonth ?? null,
    used_this_month: v.usedThisMonth,
    balance: v.balance,
    updated_at: s?.updatedAt.toISOString() ?? null,
    history: v.history.map(autoTopUpRowJson),
  };
}

export function autoTopUpRowJson(r: AutoTopUp): AutoTopUpRowJson {
  return {
    id: r.id,
    status: r.status,
    credit_product_id: r.creditProductId,
    credits: r.credits,
    amount_cents: r.amountCents,
    currency: r.currency,
    threshold_credits: r.thresholdCredits,
    balance_at_crossing: r.balanceAtCrossing,
    message: r.message,
    provider: r.provider,
    payment_id: r.providerPaymentId,
    invoice_id: r.invoiceId,
    created_at: r.createdAt.toISOString(),
    completed_at: r.completedAt?.toISOString() ?? null,
  };
}

export type { AutoTopUpJson, AutoTopUpRowJson };
