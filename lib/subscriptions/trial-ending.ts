// "Your trial ends soon": a subscription.trial_ending webhook event, once per subscription, about 3
// days before its trial ends (or at once, for a trial shorter than that). Written through the same
// outbox as every event. Once: the job skips a subscription whose event already exists (its message
// row, kept with the subscription's ordering key, whether or not any endpoint wanted it), and the
// rows it reads are locked (SKIP LOCKED), so two replicas never send it twice.
import "server-only";
import { and, asc, eq, gt, lte, sql } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { subscriptions } from "@/lib/db/schema";
import { emitWebhookEvents } from "@/lib/outbound-webhooks/emit";
import { subscriptionOrderingKey, trialEndingEvent } from "@/lib/outbound-webhooks/events";

export const TRIAL_ENDING_NOTICE_MS = 3 * 24 * 3600_000;
const BATCH = 500;

/** Emits the event for every trial ending within 3 days that has not had it; returns how many. */
export async function emitTrialEndingEvents(now = new Date()): Promise<number> {
  const s = subscriptions;
  let total = 0;
  for (;;) {
    const sent = await db.transaction(async (tx) => {
      const due = await tx
        .select()
        .from(s)
        .where(
          and(
            eq(s.status, "trialing"),
            gt(s.trialEnd, now),
            lte(s.trialEnd, new Date(now.getTime() + TRIAL_ENDING_NOTICE_MS)),
            sql`not exists (select 1 from webhook_messages m
                 where m.org_id = ${s.orgId} and m.type = 'subscription.trial_ending'
                   and m.ordering_key = ${subscriptionOrderingKey("")} || ${s.id})`,
          ),
        )
        .orderBy(asc(s.trialEnd))
        .limit(BATCH)
        .for("update", { skipLocked: true });
      await emitWebhookEvents(
        tx,
        due.map((sub) => trialEndingEvent(sub, now)),
      );
      return due.length;
    });
    total += sent;
    if (sent < BATCH) return total;
  }
}

export const trialEndingJob = {
  name: "subscriptions.trial-ending",
  everyMs: 10 * 60_000,
  run: (now: Date) => emitTrialEndingEvents(now),
};
