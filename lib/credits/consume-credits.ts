// Spending credits: a credit event × quantity (or a raw amount), drawn atomically across buckets in
// the organization's precedence order. Idempotent by key: a retry answers the first result; the
// same key with another body is a 409. Short of credits: 402 and nothing spent, unless the
// organization allows overage.
import "server-only";
import { invalidField } from "@/lib/http/errors";
import { newId } from "@/lib/ids";
import { metrics } from "@/lib/metrics";
import { dec } from "@/lib/money";
import { requestHash } from "@/lib/idempotency/idempotent";
import { InsufficientCredits, type CreditAccount, type OpMeta } from "./account";
import { afterMovement } from "./after-movement";
import { creditsForEvent } from "./credits-for-event";
import { runIdempotentMovement } from "./movement";
import type { WrittenMovement } from "./movement-decide";
import type { AccountSettings } from "./movement-load";
import { spentByBucket } from "./serialize";
import { groupsSpends, spend, type Spend } from "./spend-group";
import type { ConsumptionJson } from "./schemas";

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

export type ConsumeResult = { status: number; body: ConsumptionJson; replayed: boolean };

/** Credits for a credit event's quantity, or the raw amount; the event's price comes with the account (movement.ts). */
function creditsFor(
  input: Pick<ConsumeInput, "eventName" | "quantity" | "credits">,
  eventCredits: number | null,
): number {
  if (input.eventName) {
    if (eventCredits === null) throw invalidField("event_name", `no active credit event "${input.eventName}"`);
    const credits = creditsForEvent(eventCredits, input.quantity ?? "1");
    if (!Number.isSafeInteger(credits)) throw invalidField("quantity", "too large");
    return credits;
  }
  if (!input.credits || input.credits <= 0)
    throw invalidField("credits", "send event_name and quantity, or a positive number of credits");
  return input.credits;
}

type Spent = { credits: number; overage: number };

export async function consumeCredits(orgId: string, input: ConsumeInput): Promise<ConsumeResult> {
  const s = consumeSpend(orgId, input);
  // A pinned clock (seeds, tests of time) keeps a transaction of its own.
  return input.now === undefined && groupsSpends() ? spend(s) : s.alone();
}

/** A spend as the group commit (spend-group.ts) takes it; `alone()` runs it in a transaction of its own. */
export function consumeSpend(orgId: string, input: ConsumeInput): Spend<Spent, ConsumptionJson> {
  const now = input.now ?? new Date();
  const eventName = input.eventName ?? null;
  const quantity = eventName ? (input.quantity ?? "1") : null;
  if (!eventName) creditsFor(input, null);
  const operationId = newId("led");
  const claim = {
    orgId,
    scope: "credits.consume",
    key: input.idempotencyKey,
    request: {
      event_name: eventName,
      quantity,
      credits: eventName ? null : input.credits,
      reference: input.reference ?? null,
    },
  };
  const meta: OpMeta = {
    operationId,
    actor: input.actor,
    idempotencyKey: input.idempotencyKey,
    creditEvent: eventName,
    quantity,
    reference: input.reference ?? null,
  };
  const step = (account: CreditAccount, ctx: { settings: AccountSettings; eventCredits: number | null }): Spent => {
    const credits = creditsFor(input, ctx.eventCredits);
    return { credits, ...account.consume(credits, meta, ctx.settings.allowOverage) };
  };
  const answer = (w: WrittenMovement, r: Spent): { status: number; body: ConsumptionJson } => ({
    status: 200,
    body: {
      id: operationId,
      object: "credit_consumption",
      customer_id: orgId,
      event_name: eventName,
      quantity,
      credits: r.credits,
      spent: spentByBucket(w.entries, operationId, ["consume"]),
      overage_credits: r.overage,
      overage_cost:
        r.overage > 0 && w.overagePrice?.unitPrice ? dec(w.overagePrice.unitPrice).mul(r.overage).toFixed() : null,
      currency: r.overage > 0 ? (w.overagePrice?.currency ?? null) : null,
      balance_after: w.balance,
      held: w.held,
      reference: input.reference ?? null,
      created_at: now.toISOString(),
    },
  });
  const refused = (e: unknown) => {
    if (e instanceof InsufficientCredits) metrics.creditRefusals.inc({ operation: "consume" });
  };
  const alone = async (): Promise<ConsumeResult> => {
    try {
      const res = await runIdempotentMovement(orgId, now, claim, { operationId, eventCode: eventName }, step, answer);
      if (!res.replayed) await afterMovement(orgId, res.outcome);
      return { status: res.status, body: res.body, replayed: res.replayed };
    } catch (e) {
      refused(e);
      throw e;
    }
  };
  return {
    orgId,
    claim,
    requestHash: requestHash(claim.request),
    eventCode: eventName,
    step,
    answer,
    alone,
    done: (o) => afterMovement(orgId, o),
    refused,
  };
}
