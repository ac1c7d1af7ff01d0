// The delivery worker. Due deliveries are claimed with FOR UPDATE SKIP LOCKED and a lease (as the jobs
// outbox claims jobs), sent outside any transaction, and their outcome recorded in a few statements.
//
// At least once, never exactly once: a worker that dies between sending and recording leaves the
// delivery leased; when the lease lapses another worker sends it again with the SAME webhook-id (the
// message id), so receivers dedupe on it, as the Standard Webhooks specification asks.
//
// Retries: exponential backoff (5 s, 20 s, 80 s, … capped at 12 h) for 3 days from the delivery's
// creation, then the delivery is given up ("failed"; a person can replay it). Order: a delivery with an
// ordering key is not claimed while an earlier one (lower message seq) for the same endpoint and key is
// still pending. An endpoint whose attempts have all failed for 5 days is disabled and its owner told (email, alert).
import "server-only";
import { and, asc, eq, inArray, isNull, lt, lte, or, sql } from "drizzle-orm";
import { raiseAlertOnce } from "@/lib/alerts/alerts";
import { db, outsideTransaction } from "@/lib/db/client";
import {
  webhookDeliveries,
  webhookDeliveryAttempts,
  webhookEndpoints,
  webhookMessages,
  type WebhookDelivery,
  type WebhookEndpoint,
} from "@/lib/db/schema";
import { queueToOwners } from "@/lib/email/notify";
import { webhookEndpointDisabledEmail } from "@/lib/email/templates";
import { appUrl, env } from "@/lib/env";
import { newId } from "@/lib/ids";
import { log } from "@/lib/log";
import { processState } from "@/lib/process-state";
import { signingSecrets, webhookHeaders } from "./sign";

export const LEASE_MS = 2 * 60_000;
export const RETRY_WINDOW_MS = 3 * 24 * 3600_000;
export const DISABLE_AFTER_MS = 5 * 24 * 3600_000;
const RETRY_CAP_SECONDS = 12 * 3600;
const RESPONSE_EXCERPT_BYTES = 2048;

/** Seconds to wait after the `attempts`-th failed attempt: 5 s × 4^(n−1), at most 12 h. */
export const retryDelaySeconds = (attempts: number) => Math.min(RETRY_CAP_SECONDS, 5 * 4 ** Math.max(0, attempts - 1));

export type Claimed = {
  delivery: WebhookDelivery;
  endpoint: WebhookEndpoint;
  message: { id: string; body: string };
};

export type AttemptResult = {
  claimed: Claimed;
  at: Date;
  headers: Record<string, string>;
  status: number | null;
  responseBody: string | null;
  error: string | null;
  durationMs: number;
  ok: boolean;
};

export type DeliverOptions = { batch?: number; concurrency?: number; timeoutMs?: number };

const d = webhookDeliveries;

/** Due deliveries (and leased ones whose lease lapsed) of enabled endpoints, each the head of its order. */
export async function claimDeliveries(now: Date, limit: number): Promise<Claimed[]> {
  const due = db
    .select({ id: d.id })
    .from(d)
    .where(
      and(
        eq(d.status, "pending"),
        lte(d.nextAttemptAt, now),
        or(isNull(d.lockedUntil), lt(d.lockedUntil, now)),
        sql`exists (select 1 from webhook_endpoints e where e.id = ${d.endpointId} and e.status = 'enabled')`,
        sql`(${d.orderingKey} is null or not exists (
              select 1 from webhook_deliveries p
               where p.endpoint_id = ${d.endpointId} and p.ordering_key = ${d.orderingKey}
                 and p.status = 'pending' and p.message_seq < ${d.messageSeq}))`,
      ),
    )
    .orderBy(asc(d.nextAttemptAt))
    .limit(limit)
    .for("update", { skipLocked: true });
  const leased = await db
    .update(d)
    .set({ attempts: sql`${d.attempts} + 1`, lockedUntil: new Date(now.getTime() + LEASE_MS), updatedAt: now })
    .where(inArray(d.id, due))
    .returning();
  if (leased.length === 0) return [];
  const [messages, endpoints] = await Promise.all([
    db
      .select({ id: webhookMessages.id, body: webhookMessages.body })
      .from(webhookMessages)
      .where(inArray(webhookMessages.id, [...new Set(leased.map((l) => l.messageId))])),
    db
      .select()
      .from(webhookEndpoints)
      .where(inArray(webhookEndpoints.id, [...new Set(leased.map((l) => l.endpointId))])),
  ]);
  const messageOf = new Map(messages.map((m) => [m.id, m]));
  const endpointOf = new Map(endpoints.map((e) => [e.id, e]));
  return leased
    .sort((a, b) => a.messageSeq - b.messageSeq)
    .map((delivery) => ({
      delivery,
      endpoint: endpointOf.get(delivery.endpointId)!,
      message: messageOf.get(delivery.messageId)!,
    }));
}

async function readExcerpt(res: Response): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < RESPONSE_EXCERPT_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_BYTES).toString("utf8");
}

/** One HTTP attempt. Signed at the moment of sending (receivers refuse stale timestamps). */
export async function sendDelivery(
  c: Claimed,
  now: Date,
  timeoutMs = env().WEBHOOK_TIMEOUT_MS,
): Promise<AttemptResult> {
  const sentAt = new Date();
  let headers: Record<string, string>;
  try {
    headers = webhookHeaders(signingSecrets(c.endpoint, now), c.message.id, sentAt, c.message.body);
  } catch (e) {
    // A secret that cannot be opened (its key is no longer configured) fails this attempt alone, with
    // the reason in the log; nothing unsigned is sent, and the other deliveries of the batch go on.
    const error = `Not sent: ${e instanceof Error ? e.message : String(e)}`;
    return { claimed: c, at: now, headers: {}, status: null, responseBody: null, error, durationMs: 0, ok: false };
  }
  const started = performance.now();
  let status: number | null = null;
  let responseBody: string | null = null;
  let error: string | null = null;
  try {
    const res = await fetch(c.endpoint.url, {
      method: "POST",
      headers,
      body: c.message.body,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    status = res.status;
    responseBody = await readExcerpt(res);
  } catch (e) {
    const name = (e as { name?: string }).name;
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    error =
      name === "TimeoutError" || name === "AbortError"
        ? `No answer within ${timeoutMs} ms`
        : (cause?.code ?? cause?.message ?? (e instanceof Error ? e.message : String(e)));
  }
  return {
    claimed: c,
    at: now,
    headers,
    status,
    responseBody,
    error,
    durationMs: Math.round(performance.now() - started),
    ok: status !== null && status >= 200 && status < 300,
  };
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]!);
  });
  await Promise.all(lanes);
  return out;
}

/** Writes the attempts' log rows and each delivery's and endpoint's new state. */
export async function recordAttempts(results: AttemptResult[], now: Date): Promise<void> {
  if (results.length === 0) return;
  await db.insert(webhookDeliveryAttempts).values(
    results.map((r) => ({
      id: newId("wha"),
      deliveryId: r.claimed.delivery.id,
      attempt: r.claimed.delivery.attempts,
      at: r.at,
      url: r.claimed.endpoint.url,
      requestHeaders: r.headers,
      responseStatus: r.status,
      responseBody: r.responseBody,
      error: r.error,
      durationMs: r.durationMs,
    })),
  );
  const delivered = results.filter((r) => r.ok);
  if (delivered.length > 0)
    await db.execute(sql`
      update webhook_deliveries w
         set status = 'delivered', delivered_at = ${now.toISOString()}::timestamptz, locked_until = null,
             last_response_status = r.status, last_error = null, updated_at = ${now.toISOString()}::timestamptz
        from json_to_recordset(${JSON.stringify(delivered.map((r) => ({ id: r.claimed.delivery.id, status: r.status })))}::json)
             as r(id text, status int)
       where w.id = r.id`);
  const failedEndpoints = new Set<string>();
  for (const r of results.filter((x) => !x.ok)) {
    const dl = r.claimed.delivery;
    const retryAt = new Date(now.getTime() + retryDelaySeconds(dl.attempts) * 1000);
    const giveUp = retryAt.getTime() > dl.createdAt.getTime() + RETRY_WINDOW_MS;
    await db
      .update(d)
      .set({
        status: giveUp ? "failed" : "pending",
        nextAttemptAt: giveUp ? now : retryAt,
        lockedUntil: null,
        lastResponseStatus: r.status,
        lastError: (r.error ?? `HTTP ${r.status}`).slice(0, 500),
        updatedAt: now,
      })
      .where(eq(d.id, dl.id));
    failedEndpoints.add(r.claimed.endpoint.id);
  }
  const answered = [...new Set(delivered.map((r) => r.claimed.endpoint.id))];
  for (const id of answered) failedEndpoints.delete(id);
  if (answered.length > 0)
    await db
      .update(webhookEndpoints)
      .set({ failingSince: null, lastSuccessAt: now })
      .where(inArray(webhookEndpoints.id, answered));
  if (failedEndpoints.size > 0) {
    const failing = await db
      .update(webhookEndpoints)
      .set({
        failingSince: sql`coalesce(${webhookEndpoints.failingSince}, ${now.toISOString()}::timestamptz)`,
        lastFailureAt: now,
      })
      .where(inArray(webhookEndpoints.id, [...failedEndpoints]))
      .returning();
    for (const ep of failing)
      if (ep.status === "enabled" && ep.failingSince && now.getTime() - ep.failingSince.getTime() >= DISABLE_AFTER_MS)
        await disableFailingEndpoint(ep, now);
  }
}

/**
 * Turned off after 5 days of failures; its owner is told once, when this call is the one that turns it
 * off: by email (the organization's owners, or the operators for an installation endpoint) and, for a
 * customer's endpoint, an alert too.
 */
async function disableFailingEndpoint(ep: WebhookEndpoint, now: Date): Promise<void> {
  const reason = `Every delivery has failed since ${ep.failingSince!.toISOString()} (5 days); re-enable the endpoint once it answers.`;
  const disabled = await db.transaction(async (tx) => {
    const turnedOff = await tx
      .update(webhookEndpoints)
      .set({ status: "disabled", disabledReason: reason, disabledAt: now, updatedAt: now })
      .where(and(eq(webhookEndpoints.id, ep.id), eq(webhookEndpoints.status, "enabled")))
      .returning({ id: webhookEndpoints.id });
    if (turnedOff.length === 0) return false;
    if (ep.orgId)
      await raiseAlertOnce(
        {
          orgId: ep.orgId,
          kind: "webhook_endpoint_disabled",
          key: ep.id,
          threshold: "5d",
          periodKey: now.toISOString(),
          severity: "critical",
          message: `Webhook endpoint ${ep.url} was disabled: it has failed every delivery for 5 days. Fix it and enable it again; missed events can be replayed.`,
          details: { endpoint_id: ep.id, url: ep.url, failing_since: ep.failingSince!.toISOString() },
          at: now,
        },
        tx,
      );
    await queueToOwners(tx, ep.orgId, {
      ...webhookEndpointDisabledEmail({
        endpointUrl: ep.url,
        failingSince: ep.failingSince!,
        pageUrl: `${appUrl()}${ep.orgId ? "" : "/admin"}/webhook-endpoints/${ep.id}`,
      }),
      kind: "webhook_endpoint_disabled",
      // One email per recipient and disabling, even if a second worker got this far.
      sourceEventId: `${ep.id}:disabled:${now.toISOString()}`,
    });
    return true;
  });
  if (disabled)
    log.error(
      { endpoint_id: ep.id, org_id: ep.orgId, url: ep.url },
      "webhook endpoint disabled after 5 days of failures",
    );
}

/** Delivers everything due, batch after batch, until nothing is left to claim; returns how many attempts ran. */
export async function deliverDueWebhooks(now = new Date(), opts: DeliverOptions = {}): Promise<number> {
  const batch = opts.batch ?? 100;
  const concurrency = opts.concurrency ?? 32;
  let ran = 0;
  for (;;) {
    const claimed = await claimDeliveries(now, batch);
    if (claimed.length === 0) break;
    const results = await mapLimit(claimed, concurrency, (c) => sendDelivery(c, now, opts.timeoutMs));
    await recordAttempts(results, now);
    ran += claimed.length;
  }
  return ran;
}

export const webhookDeliveryJob = {
  name: "webhooks.deliver",
  everyMs: 1_000,
  run: (now: Date) => deliverDueWebhooks(now),
};

const kick = processState("outbound-webhooks.kick", () => ({ timer: undefined as NodeJS.Timeout | undefined }));
/** Delivers soon after an event is written (its transaction has committed by then); the one-second poll is the fallback. */
export function kickWebhookDelivery() {
  if (kick.timer || env().NODE_ENV === "test" || !env().JOBS_ENABLED) return;
  kick.timer = outsideTransaction(() =>
    setTimeout(() => {
      kick.timer = undefined;
      deliverDueWebhooks().catch((err) => log.warn({ err }, "webhook delivery run failed; the poll retries it"));
    }, 100),
  );
  kick.timer.unref();
}
