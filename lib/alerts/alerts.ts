// Alerts (ARCHITECTURE.md, alerts): raised once per organization, kind, key, threshold and
// period — not once per event — listed newest first, acknowledged by a person.
//
// Other domains raise their own alerts through raiseAlertOnce. The credits ledger raises the low
// balance alert this way, e.g.
//   raiseAlertOnce({ orgId, kind: "low_credit_balance", key: "balance", threshold: "100",
//     periodKey: grantPeriodStart.toISOString(), severity: "warning",
//     message: "Credit balance below 100 credits (85 left).", details: { balance: 85 } }, tx)
import "server-only";
import { and, desc, eq, isNull, lt, sql, type SQL } from "drizzle-orm";
import { db, type Executor } from "@/lib/db/client";
import { alerts, type Alert, type AlertKind } from "@/lib/db/schema";
import { notFound } from "@/lib/http/errors";
import { newId } from "@/lib/ids";
import { emitAlertRaised } from "@/lib/outbound-webhooks/events";
import type { AlertJson } from "./schemas";

export type RaiseAlertInput = {
  orgId: string;
  kind: AlertKind;
  /** What the alert is about within its kind (a meter code, "balance"). */
  key: string;
  /** The threshold crossed: "80" / "100" (percent of a limit) or a credit amount. */
  threshold: string | number;
  /** The period the alert belongs to, e.g. its start as ISO-8601; the alert can fire again in the next one. */
  periodKey: string;
  severity?: "warning" | "critical";
  /** One sentence a customer understands. */
  message: string;
  details?: Record<string, unknown>;
  at?: Date;
};

/**
 * Raises an alert unless the same (org, kind, key, threshold, period) was raised before: a
 * unique index makes that exact under concurrency. `created` is false for a repeat.
 */
export async function raiseAlertOnce(
  input: RaiseAlertInput,
  tx: Executor = db,
): Promise<{ created: boolean; alert: Alert | null }> {
  // The alert and its webhook event commit together; a caller's transaction, or one of their own.
  if (tx === db) return db.transaction((t) => raiseAlertOnce(input, t));
  const [row] = await tx
    .insert(alerts)
    .values({
      id: newId("alr"),
      orgId: input.orgId,
      kind: input.kind,
      key: input.key,
      threshold: String(input.threshold),
      periodKey: input.periodKey,
      severity: input.severity ?? "warning",
      message: input.message,
      details: input.details ?? {},
      createdAt: input.at ?? new Date(),
    })
    .onConflictDoNothing()
    .returning();
  if (row) await emitAlertRaised(tx, row);
  return { created: row !== undefined, alert: row ?? null };
}

export type AlertStatus = "open" | "all";

export async function listAlerts(
  orgId: string,
  opts: { status?: AlertStatus; limit?: number; cursor?: string } = {},
): Promise<{ data: Alert[]; nextCursor: string | null }> {
  const limit = opts.limit ?? 20;
  const where: SQL[] = [eq(alerts.orgId, orgId)];
  if (opts.status !== "all") where.push(isNull(alerts.acknowledgedAt));
  if (opts.cursor) where.push(lt(alerts.id, opts.cursor));
  const found = await db
    .select()
    .from(alerts)
    .where(and(...where))
    .orderBy(desc(alerts.id))
    .limit(limit + 1);
  const data = found.slice(0, limit);
  return { data, nextCursor: found.length > limit ? data[data.length - 1]!.id : null };
}

export async function countOpenAlerts(orgId: string): Promise<number> {
  return db.$count(alerts, and(eq(alerts.orgId, orgId), isNull(alerts.acknowledgedAt)));
}

/** Marks an alert of this organization seen. Acknowledging twice keeps the first time and person. */
export async function acknowledgeAlert(orgId: string, alertId: string, by: string, at = new Date()): Promise<Alert> {
  const [row] = await db
    .update(alerts)
    .set({
      acknowledgedAt: sql`coalesce(${alerts.acknowledgedAt}, ${at.toISOString()}::timestamptz)`,
      acknowledgedBy: sql`coalesce(${alerts.acknowledgedBy}, ${by})`,
    })
    .where(and(eq(alerts.id, alertId), eq(alerts.orgId, orgId)))
    .returning();
  if (!row) throw notFound("Alert");
  return row;
}

export function alertJson(a: Alert): AlertJson {
  return {
    id: a.id,
    customer_id: a.orgId,
    kind: a.kind,
    key: a.key,
    threshold: a.threshold,
    period_key: a.periodKey,
    severity: a.severity,
    message: a.message,
    details: a.details,
    created_at: a.createdAt.toISOString(),
    acknowledged_at: a.acknowledgedAt ? a.acknowledgedAt.toISOString() : null,
    acknowledged_by: a.acknowledgedBy,
  };
}

/** An alert by id, whatever its organization: callers check the actor may see it. */
export async function findAlert(alertId: string): Promise<Alert | null> {
  const [row] = await db.select().from(alerts).where(eq(alerts.id, alertId));
  return row ?? null;
}
