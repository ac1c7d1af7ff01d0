// Writing an outbound event: the message and one delivery per endpoint that wants it, in ONE
// statement on the caller's executor — inside the transaction of the change it reports, so an
// event is never lost for a committed change nor sent for a rolled-back one (the outbox rule).
// The events' notification emails are queued alongside (lib/email/notify.ts).
// Endpoints registered later do not receive earlier events; a disabled endpoint gets no new ones.
import "server-only";
import { sql } from "drizzle-orm";
import { rows, type Executor } from "@/lib/db/client";
import { queueNotifications } from "@/lib/email/notify";
import { newId } from "@/lib/ids";
import { kickWebhookDelivery } from "./deliver";
import type { WebhookEventType } from "./event-types";

export type WebhookEventInput = {
  /** The customer the event is about: its own endpoints and the installation's receive it. */
  orgId: string;
  type: WebhookEventType;
  data: Record<string, unknown>;
  /** Events sharing a key reach each endpoint in the order written (a later one waits for the earlier). */
  orderingKey?: string | null;
  /** When the change happened (the body's `timestamp`). */
  occurredAt?: Date;
  /** The change's own name, where it could be applied twice: an event with a key already written is skipped (and emails nobody). */
  dedupeKey?: string | null;
};

export async function emitWebhookEvent(tx: Executor, event: WebhookEventInput): Promise<void> {
  await emitWebhookEvents(tx, [event]);
}

export async function emitWebhookEvents(tx: Executor, events: WebhookEventInput[]): Promise<void> {
  if (events.length === 0) return;
  const records = events.map((e) => ({
    id: newId("msg"),
    org_id: e.orgId,
    type: e.type,
    ordering_key: e.orderingKey ?? null,
    dedupe_key: e.dedupeKey ?? null,
    body: JSON.stringify({ type: e.type, timestamp: (e.occurredAt ?? new Date()).toISOString(), data: e.data }),
  }));
  // The message rows in input order (seq follows it), then a delivery for each wanting, enabled endpoint;
  // a message whose dedupe key is taken is not written, so it has no deliveries and no emails.
  const written = await rows<{ id: string }>(
    sql`
    with m as (
      insert into webhook_messages (id, org_id, type, body, ordering_key, dedupe_key)
      select r.id, r.org_id, r.type, r.body, r.ordering_key, r.dedupe_key
        from json_to_recordset(${JSON.stringify(records)}::json)
             as r(id text, org_id text, type text, body text, ordering_key text, dedupe_key text)
      on conflict (dedupe_key) where dedupe_key is not null do nothing
      returning id, seq, org_id, type, ordering_key
    ), d as (
      insert into webhook_deliveries (id, message_id, message_seq, endpoint_id, org_id, ordering_key)
      select 'whd_' || replace(gen_random_uuid()::text, '-', ''), m.id, m.seq, e.id, e.org_id, m.ordering_key
        from m
        join webhook_endpoints e
          on e.status = 'enabled'
         and (e.org_id is null or e.org_id = m.org_id)
         and (cardinality(e.event_types) = 0 or m.type = any(e.event_types))
    )
    select id from m`,
    tx,
  );
  const kept = new Set(written.map((w) => w.id));
  // The same events, told to people by email (lib/email/notify.ts), in the same transaction.
  await queueNotifications(
    tx,
    records.flatMap((r, i) =>
      kept.has(r.id) ? [{ id: r.id, orgId: r.org_id, type: r.type, data: events[i]!.data }] : [],
    ),
  );
  kickWebhookDelivery();
}
