// Spending credits: a credit event × quantity (or a raw amount), drawn atomically across buckets in
// the organization's precedence order. Idempotent by key: a retry answers the first result; the
// same key with another body is a 409. Short of credits: 402 and nothing spent, unless the
// organization allows overage.
import "server-only";
import { and, eq } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { creditEvents } from "@/lib/db/schema";
import { invalidField } from "@/lib/http/errors";
import { idempotent } from "@/lib/idempotency/idempotent";
import { newId } from "@/lib/ids";
import { metrics } from "@/lib/metrics";
import { dec } from "@/lib/money";
import { InsufficientCredits, type OpMeta } from "./account";
import { afterMovement } from "./after-movement";
import { creditsForEvent } from "./credits-for-event";
import { runMovement, type MovementOutcome } from "./movement";
import { spentByBucket } from "./serialize";

export type ConsumeInput = {
  /** A credit event code and its quantity (a plain decimal string)… */
  eventName?: string | null;
  quantity?: string | null;
  /** …or a raw number of credits. */
  credits?: number | null;
  idempotencyKey: string;
  /** What the spend answers to: a call id, a request id. */
  reference?: string | null;
  actor: string;
  now?: Date;
};

export type ConsumptionJson = {
  id: string;
  object: "credit_consumption";
  customer_id: string;
  event_name: string | null;
  quantity: string | null;
  credits: number;
  spent: { bucket_id: string; source: string; credits: number }[];
  overage_credits: number;
  overage_cost: string | null;
  currency: string | null;
  balance_after: number;
  held: number;
  reference: string | null;
  created_at: string;
};

export type ConsumeResult = { status: number; body: ConsumptionJson; replayed: boolean };

/** The credits a request asks for: from its credit event (active ones only) or given directly. */
export async function resolveCredits(input: Pick<ConsumeInput, "eventName" | "quantity" | "credits">): Promise<{ credits: number; eventName: string | null; quantity: string | null }> {
  if (input.eventName) {
    const [event] = await db
      .select({ code: creditEvents.code, credits: creditEvents.credits })
      .from(creditEvents)
      .where(and(eq(creditEvents.code, input.eventName), eq(creditEvents.active, true)));
    if (!event) throw invalidField("event_name", `no active credit event "${input.eventName}"`);
    const quantity = input.quantity ?? "1";
    const credits = creditsForEvent(event.credits, quantity);
    if (!Number.isSafeInteger(credits)) throw invalidField("quantity", "too large");
    return { credits, eventName: event.code, quantity };
  }
  if (!input.credits || input.credits <= 0) throw invalidField("credits", "send event_name and quantity, or a positive number of credits");
  return { credits: input.credits, eventName: null, quantity: null };
}

export async function consumeCredits(orgId: string, input: ConsumeInput): Promise<ConsumeResult> {
  const now = input.now ?? new Date();
  const spend = await resolveCredits(input);
  const operationId = newId("led");
  const request = { event_name: spend.eventName, quantity: spend.quantity, credits: input.eventName ? null : spend.credits, reference: input.reference ?? null };
  let outcome: MovementOutcome<{ overage: number }> | undefined;
  try {
    const res = await idempotent({ orgId, scope: "credits.consume", key: input.idempotencyKey, request }, async (tx) => {
      const meta: OpMeta = {
        operationId,
        actor: input.actor,
        idempotencyKey: input.idempotencyKey,
        creditEvent: spend.eventName,
        quantity: spend.quantity,
        reference: input.reference ?? null,
      };
      outcome = await runMovement(tx, orgId, now, { operationId }, (account, ctx) => account.consume(spend.credits, meta, ctx.settings.allowOverage));
      const o = outcome;
      const body: ConsumptionJson = {
        id: operationId,
        object: "credit_consumption",
        customer_id: orgId,
        event_name: spend.eventName,
        quantity: spend.quantity,
        credits: spend.credits,
        spent: spentByBucket(o.entries, operationId, ["consume"]),
        overage_credits: o.result.overage,
        overage_cost: o.result.overage > 0 && o.overagePrice?.unitPrice ? dec(o.overagePrice.unitPrice).mul(o.result.overage).toFixed() : null,
        currency: o.result.overage > 0 ? (o.overagePrice?.currency ?? null) : null,
        balance_after: o.balance,
        held: o.held,
        reference: input.reference ?? null,
        created_at: now.toISOString(),
      };
      return { status: 200, body };
    });
    if (!res.replayed) await afterMovement(orgId, outcome);
    return res;
  } catch (e) {
    if (e instanceof InsufficientCredits) metrics.creditRefusals.inc({ operation: "consume" });
    throw e;
  }
}
