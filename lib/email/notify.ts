// Notifications come from the outbound event stream: emitWebhookEvents calls this with the events it
// writes, on the same executor, so every event kind has one origin and its email is queued in the
// transaction of the change. Recipients: the organization's owners for every kind, members for usage
// alerts; a user who turned a kind off is left out.
import "server-only";
import { and, eq, inArray } from "drizzle-orm";
import type { Executor } from "@/lib/db/client";
import { emailOptOuts, organizations, users } from "@/lib/db/schema";
import { appUrl } from "@/lib/env";
import { NOTIFICATION_KINDS } from "./kinds";
import { queueEmails, type EmailInput } from "./outbox";
import { NOTIFICATION_TEMPLATES, type RenderedEmail } from "./templates";

export type NotifiableEvent = { id: string; orgId: string; type: string; data: Record<string, unknown> };

const AUDIENCE = new Map(NOTIFICATION_KINDS.map((k) => [k.type as string, k.audience]));

export async function queueNotifications(tx: Executor, events: NotifiableEvent[]): Promise<void> {
  const wanted = events.filter((e) => AUDIENCE.has(e.type) && NOTIFICATION_TEMPLATES[e.type]);
  if (wanted.length === 0) return;
  const orgIds = [...new Set(wanted.map((e) => e.orgId))];
  const types = [...new Set(wanted.map((e) => e.type))];
  const people = await tx
    .select({ id: users.id, email: users.email, role: users.role, orgId: users.orgId, orgName: organizations.name })
    .from(users)
    .innerJoin(organizations, eq(organizations.id, users.orgId))
    .where(and(inArray(users.orgId, orgIds), inArray(users.role, ["owner", "member"])));
  if (people.length === 0) return;
  const optOuts = await tx
    .select({ userId: emailOptOuts.userId, kind: emailOptOuts.kind })
    .from(emailOptOuts)
    .where(
      and(
        inArray(
          emailOptOuts.userId,
          people.map((p) => p.id),
        ),
        inArray(emailOptOuts.kind, types),
      ),
    );
  const off = new Set(optOuts.map((o) => `${o.userId}:${o.kind}`));
  const url = appUrl();
  const out: EmailInput[] = [];
  for (const e of wanted) {
    const everyone = AUDIENCE.get(e.type) === "everyone";
    for (const p of people) {
      if (p.orgId !== e.orgId || (!everyone && p.role !== "owner") || off.has(`${p.id}:${e.type}`)) continue;
      const rendered = NOTIFICATION_TEMPLATES[e.type]!(e.data, { orgName: p.orgName, appUrl: url });
      out.push({ ...rendered, kind: e.type, to: p.email, orgId: e.orgId, userId: p.id, sourceEventId: e.id });
    }
  }
  await queueEmails(tx, out);
}

/** The kinds the user turned off. */
export async function optedOutKinds(tx: Executor, userId: string): Promise<string[]> {
  const rows = await tx.select({ kind: emailOptOuts.kind }).from(emailOptOuts).where(eq(emailOptOuts.userId, userId));
  return rows.map((r) => r.kind);
}

/** Replaces the user's opt-outs with `off` (only known kinds are kept). */
export async function setOptOuts(tx: Executor, userId: string, off: string[]): Promise<void> {
  const known = new Set(NOTIFICATION_KINDS.map((k) => k.type as string));
  const kinds = [...new Set(off.filter((k) => known.has(k)))];
  await tx.delete(emailOptOuts).where(eq(emailOptOuts.userId, userId));
  if (kinds.length) await tx.insert(emailOptOuts).values(kinds.map((kind) => ({ userId, kind })));
}

/**
 * Queues one email to each owner of the organization, or to each operator (admin) when `orgId` is null:
 * the people answerable for something of the organization's or the installation's. Not a notification
 * kind, so it cannot be turned off.
 */
export async function queueToOwners(
  tx: Executor,
  orgId: string | null,
  message: RenderedEmail & { kind: string; sourceEventId: string },
): Promise<number> {
  const people = await tx
    .select({ id: users.id, email: users.email })
    .from(users)
    .where(orgId ? and(eq(users.orgId, orgId), eq(users.role, "owner")) : eq(users.role, "admin"));
  await queueEmails(
    tx,
    people.map((p) => ({ ...message, to: p.email, orgId, userId: p.id })),
  );
  return people.length;
}
