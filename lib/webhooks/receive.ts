// The Stripe webhook pipeline: verify the signature over the raw body, store the event once by
// its id, then process it (fetching what it needs from Stripe first, then applying it in one
// transaction). Duplicates of processed events are acknowledged and ignored; a failure answers
// 5xx so Stripe retries, and stays in the log for an admin to replay.
import "server-only";
import { eq, sql } from "drizzle-orm";
import type { StripeEvent } from "@/lib/stripe/types";
import { db } from "@/lib/db/client";
import { webhookEvents, type WebhookEvent } from "@/lib/db/schema";
import { env } from "@/lib/env";
import { AppError } from "@/lib/http/errors";
import { log } from "@/lib/log";
import { metrics } from "@/lib/metrics";
import { verifyWebhook } from "@/lib/stripe/billing";
import { handlerFor } from "./stripe-handlers";

export type Receipt = { status: number; body: { received: true; duplicate?: boolean; event_id: string; outcome?: string } };

export function verifyStripeSignature(rawBody: string, signature: string | null): StripeEvent {
  const secret = env().STRIPE_WEBHOOK_SECRET;
  // An unset secret is an explicit refusal, never a pass that anyone could forge.
  if (!secret) throw new AppError("unavailable", "Stripe webhooks are not configured on this installation (STRIPE_WEBHOOK_SECRET is unset).");
  if (!signature) {
    metrics.webhooks.inc({ outcome: "invalid_signature" });
    throw new AppError("bad_request", "Missing Stripe-Signature header.");
  }
  try {
    return verifyWebhook(rawBody, signature, secret);
  } catch (e) {
    metrics.webhooks.inc({ outcome: "invalid_signature" });
    log.warn({ err: (e as Error).message }, "webhook signature verification failed");
    throw new AppError("bad_request", "Invalid Stripe signature (wrong secret, altered body, or a timestamp older than five minutes).");
  }
}

export async function receiveStripeEvent(event: StripeEvent): Promise<Receipt> {
  const inserted = await db
    .insert(webhookEvents)
    .values({
      id: event.id,
      provider: "stripe",
      type: event.type,
      createdAt: new Date(event.created * 1000),
      livemode: String(event.livemode),
      payload: event as unknown as Record<string, unknown>,
    })
    .onConflictDoNothing()
    .returning();
  if (inserted.length === 0) {
    const [existing] = await db.select({ status: webhookEvents.status }).from(webhookEvents).where(eq(webhookEvents.id, event.id));
    if (existing && (existing.status === "processed" || existing.status === "ignored")) {
      metrics.webhooks.inc({ outcome: "duplicate" });
      return { status: 200, body: { received: true, duplicate: true, event_id: event.id } };
    }
    // Received before but not processed (a failure, or a crash): Stripe's retry processes it now.
  }
  return processStoredEvent(event.id, inserted[0]);
}

/** Processes a stored event (first delivery, Stripe's retry, or an admin's replay). */
export async function processStoredEvent(eventId: string, stored?: WebhookEvent): Promise<Receipt> {
  const [row] = stored ? [stored] : await db.select().from(webhookEvents).where(eq(webhookEvents.id, eventId));
  if (!row) throw new AppError("not_found", "Webhook event not found.");
  if (row.provider !== "stripe") throw new AppError("conflict", "Local sandbox events are applied when they happen; there is nothing to replay.");
  const handler = handlerFor(row.type);
  if (!handler) {
    await db.update(webhookEvents).set({ status: "ignored", processedAt: new Date(), attempts: sql`${webhookEvents.attempts} + 1` }).where(eq(webhookEvents.id, eventId));
    metrics.webhooks.inc({ outcome: "ignored" });
    return { status: 200, body: { received: true, event_id: eventId, outcome: "ignored" } };
  }
  try {
    const prepared = await handler.prepare(row);
    const outcome = await db.transaction(async (tx) => {
      // One processing at a time per event: a concurrent delivery waits here, then sees it done.
      const [locked] = await tx.select().from(webhookEvents).where(eq(webhookEvents.id, eventId)).for("update");
      if (locked!.status === "processed") return "duplicate";
      const result = await handler.apply(tx, row, prepared);
      await tx
        .update(webhookEvents)
        .set({ status: "processed", processedAt: new Date(), attempts: sql`${webhookEvents.attempts} + 1`, lastError: null, orgId: result.orgId ?? locked!.orgId })
        .where(eq(webhookEvents.id, eventId));
      return result.outcome;
    });
    metrics.webhooks.inc({ outcome: outcome === "duplicate" ? "duplicate" : "processed" });
    return { status: 200, body: { received: true, event_id: eventId, outcome, ...(outcome === "duplicate" ? { duplicate: true } : {}) } };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    await db.update(webhookEvents).set({ status: "failed", attempts: sql`${webhookEvents.attempts} + 1`, lastError: message.slice(0, 2000) }).where(eq(webhookEvents.id, eventId));
    metrics.webhooks.inc({ outcome: "failed" });
    log.error({ event_id: eventId, type: row.type, err: e }, "webhook processing failed");
    throw new AppError("internal_error", `Processing event ${eventId} failed; Stripe will retry, and an admin can replay it.`);
  }
}
