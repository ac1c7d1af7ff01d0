// The Stripe webhook pipeline: verify the signature over the raw body, store the event once by
// its id, then process it (fetching what it needs from Stripe first, then applying it in one
// transaction). Duplicates of processed events are acknowledged and ignored; a failure answers
// 5xx so Stripe retries, and stays in the log for an admin to replay.
import "server-only";
import { and, eq, ne, sql } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { isConnectionError } from "@/lib/db/errors";
import { webhookEvents, type WebhookEvent } from "@/lib/db/schema";
import { env } from "@/lib/env";
import { AppError, DATABASE_RETRY_AFTER_SECONDS, databaseUnavailable, invalidField } from "@/lib/http/errors";
import { validationError } from "@/lib/http/route";
import { log } from "@/lib/log";
import { metrics } from "@/lib/metrics";
import { TIMED_OUT, within } from "@/lib/ops/path-watch";
import { checkWebhookSignature, WEBHOOK_TOLERANCE_SECONDS } from "@/lib/stripe/webhook-signature";
import { ZStripeEventEnvelope, type StripeEventEnvelope, type WebhookReceiptJson } from "./schemas";
import { handlerFor } from "./stripe-handlers";

export type Receipt = { status: number; body: WebhookReceiptJson };

const SIGNATURE_REFUSALS = {
  invalid: "Invalid Stripe signature (wrong secret, or an altered body).",
  stale: `The Stripe-Signature timestamp is more than ${WEBHOOK_TOLERANCE_SECONDS} s old; a replayed or long-delayed delivery is refused.`,
  future: `The Stripe-Signature timestamp is more than ${WEBHOOK_TOLERANCE_SECONDS} s in the future; check this server's clock (a header signed ahead of time is refused).`,
} as const;

/** The signed event, verified and well formed; a 400 that says which it is not. Nothing is stored before this passes. */
export function verifyStripeEvent(rawBody: string, signature: string | null): StripeEventEnvelope {
  const secret = env().STRIPE_WEBHOOK_SECRET;
  // An unset secret is an explicit refusal, never a pass that anyone could forge.
  if (!secret)
    throw new AppError(
      "unavailable",
      "Stripe webhooks are not configured on this installation (STRIPE_WEBHOOK_SECRET is unset).",
    );
  if (!signature) {
    metrics.webhooks.inc({ outcome: "invalid_signature" });
    throw new AppError("bad_request", "Missing Stripe-Signature header.");
  }
  const verdict = checkWebhookSignature(rawBody, signature, secret);
  if (!verdict.ok) {
    metrics.webhooks.inc({ outcome: "invalid_signature" });
    log.warn({ reason: verdict.reason, seconds_off: verdict.secondsOff }, "webhook signature refused");
    throw new AppError("bad_request", SIGNATURE_REFUSALS[verdict.reason]);
  }
  // Signed by the secret's holder is not the same as well formed: a malformed envelope is the
  // sender's fault (400), never a crash further down (500).
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    metrics.webhooks.inc({ outcome: "malformed" });
    throw new AppError("bad_request", "The Stripe event is not valid JSON.");
  }
  const parsed = ZStripeEventEnvelope.safeParse(body);
  if (!parsed.success) {
    metrics.webhooks.inc({ outcome: "malformed" });
    throw validationError(parsed.error, "Stripe event");
  }
  if (handlerFor(parsed.data.type) && !parsed.data.data.object.id) {
    metrics.webhooks.inc({ outcome: "malformed" });
    throw invalidField("data.object.id", `required for ${parsed.data.type}`);
  }
  return parsed.data;
}

/**
 * How long a delivery's work (storing the event, re-reading Stripe, applying it) may take before
 * Stripe is answered 503 with Retry-After: well under Stripe's own wait and any client's 15 s. A
 * statement the database driver took and never settles (postgres.js 3.4.9 can lose one when its
 * backend is killed) would otherwise keep the request open for good. The work is not cancelled:
 * if it finishes later, Stripe's retry finds the event processed (a duplicate); if it never does,
 * the event stays received (or failed) and the retry processes it. Processing takes the event's
 * row FOR UPDATE and applies only an event not yet processed, so the two never both apply.
 */
export const WEBHOOK_DEADLINE_MS = 6_000;

/** Where a delivery's work is, for the answer when it runs past the deadline. */
type Stage = { waitingFor: "database" | "stripe" };

export async function receiveStripeEvent(event: StripeEventEnvelope): Promise<Receipt> {
  const stage: Stage = { waitingFor: "database" };
  try {
    const receipt = await within(storeAndProcess(event, stage), WEBHOOK_DEADLINE_MS);
    if (receipt !== TIMED_OUT) return receipt;
    log.warn(
      { event_id: event.id, type: event.type, waiting_for: stage.waitingFor, deadline_ms: WEBHOOK_DEADLINE_MS },
      "webhook event not done within its deadline; Stripe retries",
    );
    if (stage.waitingFor === "stripe")
      throw new AppError(
        "provider_unavailable",
        `Stripe could not be read in time to confirm event ${event.id}; Stripe will retry.`,
        undefined,
        { "retry-after": String(DATABASE_RETRY_AFTER_SECONDS) },
      );
    throw databaseUnavailable();
  } catch (e) {
    // The database dropped the connection or is down: a 503 (Stripe retries it, as it would a 500),
    // not an error for an operator; the event is stored and processed by that retry, once.
    if (!isConnectionError(e)) throw e;
    log.warn({ event_id: event.id, type: event.type, err: e }, "database unavailable");
    throw databaseUnavailable();
  }
}

async function storeAndProcess(event: StripeEventEnvelope, stage: Stage): Promise<Receipt> {
  const inserted = await db
    .insert(webhookEvents)
    .values({
      id: event.id,
      provider: "stripe",
      type: event.type,
      createdAt: new Date(event.created * 1000),
      livemode: event.livemode === undefined ? null : String(event.livemode),
      payload: event,
    })
    .onConflictDoNothing()
    .returning();
  if (inserted.length === 0) {
    const [existing] = await db
      .select({ status: webhookEvents.status })
      .from(webhookEvents)
      .where(eq(webhookEvents.id, event.id));
    if (existing && (existing.status === "processed" || existing.status === "ignored")) {
      metrics.webhooks.inc({ outcome: "duplicate" });
      return { status: 200, body: { received: true, duplicate: true, event_id: event.id } };
    }
    // Received before but not processed (a failure, or a crash): Stripe's retry processes it now.
  }
  return processStoredEvent(event.id, inserted[0], stage);
}

/** Processes a stored event (first delivery, Stripe's retry, or an admin's replay). */
export async function processStoredEvent(
  eventId: string,
  stored?: WebhookEvent,
  stage: Stage = { waitingFor: "database" },
): Promise<Receipt> {
  const [row] = stored ? [stored] : await db.select().from(webhookEvents).where(eq(webhookEvents.id, eventId));
  if (!row) throw new AppError("not_found", "Webhook event not found.");
  if (row.provider !== "stripe")
    throw new AppError("conflict", "Local sandbox events are applied when they happen; there is nothing to replay.");
  const handler = handlerFor(row.type);
  if (!handler) {
    await db
      .update(webhookEvents)
      .set({ status: "ignored", processedAt: new Date(), attempts: sql`${webhookEvents.attempts} + 1` })
      .where(eq(webhookEvents.id, eventId));
    metrics.webhooks.inc({ outcome: "ignored" });
    return { status: 200, body: { received: true, event_id: eventId, outcome: "ignored" } };
  }
  try {
    stage.waitingFor = "stripe";
    const prepared = await handler.prepare(row);
    stage.waitingFor = "database";
    const outcome = await db.transaction(async (tx) => {
      // One processing at a time per event: a concurrent delivery waits here, then sees it done.
      const [locked] = await tx.select().from(webhookEvents).where(eq(webhookEvents.id, eventId)).for("update");
      if (locked!.status === "processed") return "duplicate";
      const result = await handler.apply(tx, row, prepared);
      // A refused event (its object is not at Stripe, or does not match what Tally sells) is kept
      // as ignored with the reason, for the admin log; a replay looks again.
      await tx
        .update(webhookEvents)
        .set({
          status: result.refused ? "ignored" : "processed",
          processedAt: new Date(),
          attempts: sql`${webhookEvents.attempts} + 1`,
          lastError: result.refused ? `Refused: ${result.refused}`.slice(0, 2000) : null,
          orgId: result.orgId ?? locked!.orgId,
        })
        .where(eq(webhookEvents.id, eventId));
      if (result.refused)
        log.warn(
          { event_id: eventId, type: row.type, outcome: result.outcome, reason: result.refused },
          "webhook event refused",
        );
      return result.outcome;
    });
    metrics.webhooks.inc({
      outcome: outcome === "duplicate" ? "duplicate" : outcome.startsWith("refused_") ? "refused" : "processed",
    });
    return {
      status: 200,
      body: { received: true, event_id: eventId, outcome, ...(outcome === "duplicate" ? { duplicate: true } : {}) },
    };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    // Marking it failed needs the database too: when the connection is what failed, the event
    // stays as it was (received), which a retry or a replay processes just the same. An attempt
    // that fails late (its caller was answered 503 at the deadline) must not mark failed what
    // Stripe's retry has processed meanwhile: a replay would then apply it again.
    await db
      .update(webhookEvents)
      .set({ status: "failed", attempts: sql`${webhookEvents.attempts} + 1`, lastError: message.slice(0, 2000) })
      .where(and(eq(webhookEvents.id, eventId), ne(webhookEvents.status, "processed")))
      .catch((markError: unknown) => {
        if (!isConnectionError(markError)) throw markError;
      });
    metrics.webhooks.inc({ outcome: "failed" });
    if (isConnectionError(e)) {
      log.warn({ event_id: eventId, type: row.type, err: e }, "database unavailable");
      throw databaseUnavailable();
    }
    // Stripe unreachable while re-reading the object: a 503 Stripe retries, nothing an operator must fix.
    if (e instanceof AppError && e.code === "provider_unavailable") {
      log.warn({ event_id: eventId, type: row.type, err: message }, "webhook event waits for Stripe");
      throw new AppError(
        "provider_unavailable",
        `Stripe could not be reached to confirm event ${eventId}; Stripe will retry, and an admin can replay it.`,
      );
    }
    log.error({ event_id: eventId, type: row.type, err: e }, "webhook processing failed");
    throw new AppError(
      "internal_error",
      `Processing event ${eventId} failed; Stripe will retry, and an admin can replay it.`,
    );
  }
}
