// Webhook endpoints and their delivery log: registration, changes, secret rotation, replay. An
// endpoint belongs to the installation (org_id null: the operator's systems) or to one customer
// organization. Who may touch which is decided by the caller's scope: an operator any endpoint, a
// customer only its own (another's is "not found", as the API contract asks).
import "server-only";
import { httpUrl } from "@/lib/http/http-url";
import { and, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import { db, type Executor } from "@/lib/db/client";
import {
  webhookDeliveries,
  webhookDeliveryAttempts,
  webhookEndpoints,
  webhookMessages,
  type WebhookDelivery,
  type WebhookDeliveryAttempt,
  type WebhookEndpoint,
} from "@/lib/db/schema";
import { env } from "@/lib/env";
import { invalidField, notFound } from "@/lib/http/errors";
import { newId } from "@/lib/ids";
import { kickWebhookDelivery } from "./deliver";
import { WEBHOOK_TEST_EVENT } from "./event-types";
import { isSealedWithCurrentKey, unseal } from "@/lib/secret-box";
import { newWebhookSecret, sealWebhookSecret, SECRET_PURPOSE } from "./sign";

/** Whose endpoints a request reaches: an operator's (all), or one customer's own. */
export type EndpointScope = { kind: "operator" } | { kind: "customer"; orgId: string };

export const ROTATION_GRACE_MS = 24 * 3600_000;

const ep = webhookEndpoints;
const owned = (scope: EndpointScope, orgColumn: typeof ep.orgId | typeof webhookDeliveries.orgId = ep.orgId) =>
  scope.kind === "customer" ? eq(orgColumn, scope.orgId) : undefined;

const PRIVATE_HOST =
  /^(localhost|.*\.localhost|.*\.local|.*\.internal|0\.0\.0\.0|127\.\d+\.\d+\.\d+|10\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+|172\.(1[6-9]|2\d|3[01])\.\d+\.\d+|169\.254\.\d+\.\d+|\[.*\])$/i;

/**
 * A customer's URL must point at the public internet (http or https): Tally's worker must not be a
 * way into the installation's own network. The operator's endpoints may be anywhere, and
 * WEBHOOK_ALLOW_PRIVATE_URLS lifts the rule (tests, single-tenant installations). Names are judged
 * as written, not resolved: a public name resolving to a private address is not caught here.
 */
export function checkEndpointUrl(url: string, forCustomer: boolean): void {
  const u = httpUrl(url, "url");
  if (forCustomer && !env().WEBHOOK_ALLOW_PRIVATE_URLS && PRIVATE_HOST.test(u.hostname))
    throw invalidField("url", "must be a public address (loopback and private networks are refused)");
}

export type EndpointInput = { url: string; description?: string; eventTypes?: string[] };

export async function createEndpoint(
  orgId: string | null,
  input: EndpointInput,
  now = new Date(),
): Promise<WebhookEndpoint> {
  checkEndpointUrl(input.url, orgId !== null);
  const secret = newWebhookSecret();
  const [row] = await db
    .insert(ep)
    .values({
      id: newId("whe"),
      orgId,
      url: input.url,
      description: input.description ?? "",
      eventTypes: [...new Set(input.eventTypes ?? [])],
      secret: sealWebhookSecret(secret),
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  // The one time the secret is shown: the caller answers it; the database holds it sealed.
  return { ...row!, secret };
}

/** An operator lists the installation's endpoints, or one customer's when it names `orgId`. */
export async function listEndpoints(orgId: string | null): Promise<WebhookEndpoint[]> {
  return db
    .select()
    .from(ep)
    .where(orgId === null ? isNull(ep.orgId) : eq(ep.orgId, orgId))
    .orderBy(desc(ep.createdAt))
    .limit(200);
}

export async function findEndpoint(scope: EndpointScope, id: string, tx: Executor = db): Promise<WebhookEndpoint> {
  const [row] = await tx
    .select()
    .from(ep)
    .where(and(eq(ep.id, id), owned(scope)));
  if (!row) throw notFound("Webhook endpoint");
  return row;
}

export type EndpointPatch = { url?: string; description?: string; eventTypes?: string[]; enabled?: boolean };

/** Re-enabling clears the disabled reason and the failure clock; paused deliveries resume. */
export async function updateEndpoint(
  scope: EndpointScope,
  id: string,
  patch: EndpointPatch,
  now = new Date(),
): Promise<WebhookEndpoint> {
  const current = await findEndpoint(scope, id);
  if (patch.url !== undefined) checkEndpointUrl(patch.url, current.orgId !== null);
  const [row] = await db
    .update(ep)
    .set({
      ...(patch.url !== undefined ? { url: patch.url } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.eventTypes !== undefined ? { eventTypes: [...new Set(patch.eventTypes)] } : {}),
      ...(patch.enabled === true
        ? { status: "enabled" as const, disabledReason: null, disabledAt: null, failingSince: null }
        : patch.enabled === false
          ? {
              status: "disabled" as const,
              // Who turned it off, as its owner reads it: themselves, or the platform's operator.
              disabledReason:
                scope.kind === "customer" || current.orgId === null
                  ? "Disabled by its owner"
                  : "Disabled by the operator",
              disabledAt: now,
            }
          : {}),
      updatedAt: now,
    })
    .where(and(eq(ep.id, current.id), owned(scope)))
    .returning();
  if (patch.enabled) kickWebhookDelivery();
  return row!;
}

export async function deleteEndpoint(scope: EndpointScope, id: string): Promise<void> {
  const current = await findEndpoint(scope, id);
  await db.delete(ep).where(and(eq(ep.id, current.id), owned(scope)));
}

/** A new secret; the old one keeps signing too (a second signature) for 24 hours. */
export async function rotateSecret(scope: EndpointScope, id: string, now = new Date()): Promise<WebhookEndpoint> {
  const current = await findEndpoint(scope, id);
  const secret = newWebhookSecret();
  const [row] = await db
    .update(ep)
    .set({
      secret: sealWebhookSecret(secret),
      previousSecret: current.secret,
      previousSecretExpiresAt: new Date(now.getTime() + ROTATION_GRACE_MS),
      updatedAt: now,
    })
    .where(and(eq(ep.id, current.id), owned(scope)))
    .returning();
  return { ...row!, secret };
}

/**
 * Start-up: seals every secret still stored in plaintext (written before sealing existed) or sealed
 * under a key that no longer seals, so a retired key can be dropped once this has run. Each row is
 * rewritten only if unchanged since it was read (a rotation meanwhile wins). Returns the rows rewritten.
 */
export async function resealWebhookSecrets(): Promise<number> {
  const stale = (await db.select({ id: ep.id, secret: ep.secret, previousSecret: ep.previousSecret }).from(ep)).filter(
    (r) =>
      !isSealedWithCurrentKey(r.secret) || (r.previousSecret !== null && !isSealedWithCurrentKey(r.previousSecret)),
  );
  let rewritten = 0;
  for (const r of stale) {
    const reseal = (v: string) => sealWebhookSecret(unseal(v, SECRET_PURPOSE));
    const done = await db
      .update(ep)
      .set({ secret: reseal(r.secret), previousSecret: r.previousSecret === null ? null : reseal(r.previousSecret) })
      .where(
        and(
          eq(ep.id, r.id),
          eq(ep.secret, r.secret),
          r.previousSecret === null ? isNull(ep.previousSecret) : eq(ep.previousSecret, r.previousSecret),
        ),
      )
      .returning({ id: ep.id });
    rewritten += done.length;
  }
  return rewritten;
}

export type DeliveryWithLog = WebhookDelivery & {
  eventType: string;
  attemptsLog: WebhookDeliveryAttempt[];
};

/** An endpoint's deliveries, newest first (keyset on id), each with its attempts, newest first. */
export async function listDeliveries(
  scope: EndpointScope,
  endpointId: string,
  opts: { limit: number; cursor?: string; status?: WebhookDelivery["status"] },
): Promise<{ data: DeliveryWithLog[]; nextCursor: string | null }> {
  const endpoint = await findEndpoint(scope, endpointId);
  const rows = await db
    .select({ delivery: webhookDeliveries, eventType: webhookMessages.type })
    .from(webhookDeliveries)
    .innerJoin(webhookMessages, eq(webhookMessages.id, webhookDeliveries.messageId))
    .where(
      and(
        eq(webhookDeliveries.endpointId, endpoint.id),
        opts.status ? eq(webhookDeliveries.status, opts.status) : undefined,
        // Keyset on the order shown (newest first, then id): delivery ids are random, so `id < cursor`
        // alone skipped or repeated rows from one page to the next.
        opts.cursor
          ? sql`(${webhookDeliveries.createdAt}, ${webhookDeliveries.id}) < (select d.created_at, d.id from webhook_deliveries d where d.id = ${opts.cursor})`
          : undefined,
      ),
    )
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(opts.limit + 1);
  const page = rows.slice(0, opts.limit);
  const attempts = page.length
    ? await db
        .select()
        .from(webhookDeliveryAttempts)
        .where(
          inArray(
            webhookDeliveryAttempts.deliveryId,
            page.map((r) => r.delivery.id),
          ),
        )
        .orderBy(desc(webhookDeliveryAttempts.attempt))
    : [];
  return {
    data: page.map((r) => ({
      ...r.delivery,
      eventType: r.eventType,
      attemptsLog: attempts.filter((a) => a.deliveryId === r.delivery.id).slice(0, 20),
    })),
    nextCursor: rows.length > opts.limit ? page[page.length - 1]!.delivery.id : null,
  };
}

/**
 * Sends a delivery's message again, now, to the same endpoint: a new delivery with the same
 * webhook-id (receivers that saw it dedupe), outside the order of its ordering key.
 */
export async function replayDelivery(
  scope: EndpointScope,
  deliveryId: string,
  now = new Date(),
): Promise<DeliveryWithLog> {
  const [row] = await db
    .select({ delivery: webhookDeliveries, eventType: webhookMessages.type })
    .from(webhookDeliveries)
    .innerJoin(webhookMessages, eq(webhookMessages.id, webhookDeliveries.messageId))
    .where(and(eq(webhookDeliveries.id, deliveryId), owned(scope, webhookDeliveries.orgId)));
  if (!row) throw notFound("Webhook delivery");
  const [created] = await db
    .insert(webhookDeliveries)
    .values({
      id: newId("whd"),
      messageId: row.delivery.messageId,
      messageSeq: row.delivery.messageSeq,
      endpointId: row.delivery.endpointId,
      orgId: row.delivery.orgId,
      orderingKey: null,
      replayOf: row.delivery.id,
      nextAttemptAt: now,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  kickWebhookDelivery();
  return { ...created!, eventType: row.eventType, attemptsLog: [] };
}

/**
 * A test event for one endpoint only ("Send a test event" on the pages, POST …/{id}/test): a
 * `webhook.test` message and its delivery, sent now by the worker like any other (signed, logged,
 * retried). A disabled endpoint is refused so its owner enables it first. Inside `outer` (an
 * idempotent request's transaction) the writes commit with the stored answer.
 */
export async function sendTestEvent(
  scope: EndpointScope,
  endpointId: string,
  now = new Date(),
  outer?: Executor,
): Promise<DeliveryWithLog> {
  const write = async (tx: Executor) => {
    const endpoint = await findEndpoint(scope, endpointId, tx);
    if (endpoint.status !== "enabled")
      throw invalidField("endpoint", "is disabled: enable it before sending a test event");
    const messageId = newId("msg");
    const body = JSON.stringify({
      type: WEBHOOK_TEST_EVENT,
      timestamp: now.toISOString(),
      data: { endpoint_id: endpoint.id, customer_id: endpoint.orgId, message: "A test event sent from Tally." },
    });
    const [m] = await tx
      .insert(webhookMessages)
      .values({
        id: messageId,
        orgId: endpoint.orgId,
        type: WEBHOOK_TEST_EVENT,
        body,
        orderingKey: null,
        createdAt: now,
      })
      .returning({ seq: webhookMessages.seq });
    const [row] = await tx
      .insert(webhookDeliveries)
      .values({
        id: newId("whd"),
        messageId,
        messageSeq: m!.seq,
        endpointId: endpoint.id,
        orgId: endpoint.orgId,
        orderingKey: null,
        nextAttemptAt: now,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    return row!;
  };
  const created = outer ? await write(outer) : await db.transaction(write);
  kickWebhookDelivery();
  return { ...created, eventType: WEBHOOK_TEST_EVENT, attemptsLog: [] };
}

export type LastDelivery = {
  endpointId: string;
  eventType: string;
  status: WebhookDelivery["status"];
  lastResponseStatus: number | null;
  lastError: string | null;
  createdAt: Date;
};

/** Each endpoint's newest delivery (for the endpoints list), keyed by endpoint id. */
export async function lastDeliveries(endpointIds: string[]): Promise<Map<string, LastDelivery>> {
  if (endpointIds.length === 0) return new Map();
  const rows = await db
    .selectDistinctOn([webhookDeliveries.endpointId], {
      endpointId: webhookDeliveries.endpointId,
      eventType: webhookMessages.type,
      status: webhookDeliveries.status,
      lastResponseStatus: webhookDeliveries.lastResponseStatus,
      lastError: webhookDeliveries.lastError,
      createdAt: webhookDeliveries.createdAt,
    })
    .from(webhookDeliveries)
    .innerJoin(webhookMessages, eq(webhookMessages.id, webhookDeliveries.messageId))
    .where(inArray(webhookDeliveries.endpointId, endpointIds))
    .orderBy(webhookDeliveries.endpointId, desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id));
  return new Map(rows.map((r) => [r.endpointId, r]));
}

export type DeliveryDetail = DeliveryWithLog & { body: string; endpoint: WebhookEndpoint };

/** One delivery with the body it sends, its attempts (newest first) and its endpoint; another customer's is "not found". */
export async function findDelivery(scope: EndpointScope, deliveryId: string): Promise<DeliveryDetail> {
  const [row] = await db
    .select({ delivery: webhookDeliveries, eventType: webhookMessages.type, body: webhookMessages.body, endpoint: ep })
    .from(webhookDeliveries)
    .innerJoin(webhookMessages, eq(webhookMessages.id, webhookDeliveries.messageId))
    .innerJoin(ep, eq(ep.id, webhookDeliveries.endpointId))
    .where(and(eq(webhookDeliveries.id, deliveryId), owned(scope, webhookDeliveries.orgId)));
  if (!row) throw notFound("Webhook delivery");
  const attempts = await db
    .select()
    .from(webhookDeliveryAttempts)
    .where(eq(webhookDeliveryAttempts.deliveryId, deliveryId))
    .orderBy(desc(webhookDeliveryAttempts.attempt))
    .limit(50);
  return { ...row.delivery, eventType: row.eventType, body: row.body, endpoint: row.endpoint, attemptsLog: attempts };
}
export type { WebhookEndpoint } from "@/lib/db/schema";
