import "server-only";
import { and, desc, eq, lt } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { organizations, webhookEvents, type WebhookEvent, type WebhookStatus } from "@/lib/db/schema";
import type { WebhookEventJson } from "./schemas";

export async function listWebhookEvents(opts: {
  status?: WebhookStatus;
  type?: string;
  cursor?: string;
  limit: number;
}): Promise<{ data: (WebhookEvent & { orgName: string | null })[]; nextCursor: string | null }> {
  const rows = await db
    .select({ event: webhookEvents, orgName: organizations.name })
    .from(webhookEvents)
    .leftJoin(organizations, eq(organizations.id, webhookEvents.orgId))
    .where(
      and(
        opts.status ? eq(webhookEvents.status, opts.status) : undefined,
        opts.type ? eq(webhookEvents.type, opts.type) : undefined,
        opts.cursor ? lt(webhookEvents.receivedAt, new Date(opts.cursor)) : undefined,
      ),
    )
    .orderBy(desc(webhookEvents.receivedAt))
    .limit(opts.limit + 1);
  const page = rows.slice(0, opts.limit).map((r) => ({ ...r.event, orgName: r.orgName }));
  return { data: page, nextCursor: rows.length > opts.limit ? page[page.length - 1]!.receivedAt.toISOString() : null };
}

export function webhookJson(e: WebhookEvent & { orgName?: string | null }): WebhookEventJson {
  return {
    id: e.id,
    provider: e.provider,
    type: e.type,
    status: e.status,
    attempts: e.attempts,
    last_error: e.lastError,
    customer_id: e.orgId,
    customer_name: e.orgName ?? null,
    created_at: e.createdAt.toISOString(),
    received_at: e.receivedAt.toISOString(),
    processed_at: e.processedAt?.toISOString() ?? null,
  };
}

/** One stored event with its payload, for the admin's detail view; null when no event has this id. */
export async function getWebhookEvent(id: string): Promise<(WebhookEvent & { orgName: string | null }) | null> {
  const [row] = await db
    .select({ event: webhookEvents, orgName: organizations.name })
    .from(webhookEvents)
    .leftJoin(organizations, eq(organizations.id, webhookEvents.orgId))
    .where(eq(webhookEvents.id, id));
  return row ? { ...row.event, orgName: row.orgName } : null;
}
