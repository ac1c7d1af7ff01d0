// Finalizing a call: its usage metrics are priced with the charges captured when the call started,
// the cost is stored once (exact, and rounded half-up once to the currency's minor unit), and on
// request each metric becomes a usage event keyed `call_id:metric`. Finalizing again with the same
// metrics returns the first result; with different metrics it is a 409. A call without a plan, or
// with a metric its plan does not price, is refused with the reason — never a silent $0.00.
//
// Two round trips and no held lock: the call (with its plan) is read, the cost computed, and one
// conditional UPDATE (… WHERE status = 'in_progress') finalizes it. Of concurrent finalizations
// exactly one UPDATE matches; the others read the stored result and answer it (or 409). Usage is
// recorded after, keyed by call and metric, so recording again after a failure never counts twice;
// usage_recorded turns true only once it is.
import "server-only";
import { and, eq, sql } from "drizzle-orm";
import { builtOnce, db, rows } from "@/lib/db/client";
import { calls, plans, type Call } from "@/lib/db/schema";
import { AppError, notFound, type FieldIssue } from "@/lib/http/errors";
import { dec, minorToDecimal } from "@/lib/money";
import { ratePlan } from "@/lib/rating";
import { callCostSplitJson } from "./call-cost-split";
import { callUsageEvents, recordCallUsage } from "./record-call-usage";
import type { FinalizedCallJson } from "./schemas";

type PlanRef = { id: string; code: string; version: number; name: string } | null;

const sameMetrics = (a: Record<string, string>, b: Record<string, string>) => {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => b[k] !== undefined && dec(a[k]!).eq(dec(b[k]!)));
};

function result(call: Call, plan: PlanRef): FinalizedCallJson {
  return {
    call_id: call.id,
    agent_id: call.agentId,
    plan: plan ? { id: plan.id, code: plan.code, version: plan.version } : null,
    cost: minorToDecimal(call.costCents!, call.currency!),
    cost_exact: dec(call.costExact!).toFixed(),
    cost_cents: call.costCents!,
    ...callCostSplitJson(call.costLines, call.currency),
    currency: call.currency!,
    usage_metrics: call.usageMetrics!,
    lines: call.costLines ?? [],
    usage_recorded: call.usageRecorded,
    finalized_at: call.finalizedAt!.toISOString(),
  };
}

const unprocessable = (message: string, details: FieldIssue[]) => new AppError("unprocessable", message, details);

const selectCall = (d: typeof db) =>
  d
    .select({ call: calls, plan: { id: plans.id, code: plans.code, version: plans.version, name: plans.name } })
    .from(calls)
    .leftJoin(plans, eq(plans.id, calls.planId));
const loadAnyCall = builtOnce((d) =>
  selectCall(d)
    .where(eq(calls.id, sql.placeholder("callId")))
    .prepare("finalize_load_any"),
);
const loadOwnCall = builtOnce((d) =>
  selectCall(d)
    .where(and(eq(calls.id, sql.placeholder("callId")), eq(calls.orgId, sql.placeholder("orgId"))))
    .prepare("finalize_load_own"),
);

/** The call and its plan's name and version, in one query; `orgId` null for operators (any customer's call). */
async function load(orgId: string | null, callId: string): Promise<{ call: Call; plan: PlanRef }> {
  const [row] = orgId ? await loadOwnCall().execute({ callId, orgId }) : await loadAnyCall().execute({ callId });
  if (!row) throw notFound("Call");
  return { call: row.call, plan: row.plan?.id ? row.plan : null };
}

/** A call finalized before: the same metrics answer its result (recording usage if now asked); others are a 409. */
async function replay(
  call: Call,
  plan: PlanRef,
  input: { usageMetrics: Record<string, string>; sendUsage: boolean },
): Promise<FinalizedCallJson & { replayed: boolean }> {
  if (!sameMetrics(call.usageMetrics ?? {}, input.usageMetrics)) {
    throw new AppError(
      "idempotency_conflict",
      `Call ${call.id} was already finalized with different usage metrics; its cost stays ${minorToDecimal(call.costCents!, call.currency!)} ${call.currency!.toUpperCase()}.`,
    );
  }
  if (input.sendUsage && !call.usageRecorded) {
    await recordCallUsage(db, call.orgId, call, call.usageMetrics!, call.endedAt ?? call.finalizedAt!);
    const [updated] = await db.update(calls).set({ usageRecorded: true }).where(eq(calls.id, call.id)).returning();
    return { ...result(updated!, plan), replayed: true };
  }
  return { ...result(call, plan), replayed: true };
}

export async function finalizeCallCost(
  orgId: string | null,
  callId: string,
  input: { usageMetrics: Record<string, string>; sendUsage: boolean; endedAt?: Date },
): Promise<FinalizedCallJson & { replayed: boolean }> {
  const { call, plan } = await load(orgId, callId);
  if (call.status === "finalized") return replay(call, plan, input);

  if (!call.planId || !call.charges || !call.currency) {
    throw unprocessable(
      "This call has no price: its agent had no plan when the call started. Assign a plan to the agent; calls started after that are priced.",
      [{ field: "agent_id", message: "no plan at call start" }],
    );
  }
  const charged = new Set(call.charges.flatMap((c) => (c.type === "usage" ? [c.meter] : [])));
  const unpriced = Object.keys(input.usageMetrics).filter((m) => !charged.has(m));
  if (unpriced.length) {
    throw unprocessable(
      `The call's plan (${plan?.name ?? call.planId} v${plan?.version ?? "?"}) does not price ${unpriced.join(", ")}. It prices: ${[...charged].join(", ") || "no usage"}.`,
      unpriced.map((m) => ({ field: `usage_metrics.${m}`, message: "not priced by the plan the call started under" })),
    );
  }
  const rated = ratePlan(call.charges, input.usageMetrics, call.currency);
  const gaps = rated.lines.filter((l) => l.unpriced?.length);
  if (gaps.length) {
    throw unprocessable(
      `Part of the usage has no price in the call's plan: ${gaps.map((l) => `${l.meter}: ${l.unpriced!.map((u) => u.reason).join("; ")}`).join("; ")}.`,
      gaps.map((l) => ({ field: `usage_metrics.${l.meter}`, message: l.unpriced!.map((u) => u.reason).join("; ") })),
    );
  }
  const now = new Date();
  const endedAt = input.endedAt ?? now;
  // Checked before anything is stored, so a call whose usage cannot be recorded is not finalized either.
  const events = input.sendUsage ? await callUsageEvents(db, call, input.usageMetrics, endedAt) : undefined;
  // Written in plain SQL and answered from what it wrote: drizzle's update with returning() renders
  // every column of the table on each call.
  const won = await rows<{ id: string }>(sql`
    update calls set status = 'finalized', usage_metrics = ${JSON.stringify(input.usageMetrics)}::text::jsonb, cost_exact = ${rated.amount}::numeric,
           cost_cents = ${rated.amount_minor}::bigint, cost_lines = ${JSON.stringify(rated.lines)}::text::jsonb, ended_at = ${endedAt.toISOString()}::timestamptz,
           finalized_at = ${now.toISOString()}::timestamptz
     where id = ${call.id} and status = 'in_progress' returning id`);
  if (won.length === 0) {
    // Another request finalized it between our read and our write: answer what it stored.
    const again = await load(orgId, callId);
    return replay(again.call, again.plan, { ...input, sendUsage: false });
  }
  const done: Call = {
    ...call,
    status: "finalized",
    usageMetrics: input.usageMetrics,
    costExact: rated.amount,
    costCents: rated.amount_minor,
    costLines: rated.lines,
    endedAt,
    finalizedAt: now,
  };
  if (!events) return { ...result(done, plan), replayed: false };
  await recordCallUsage(db, call.orgId, done, input.usageMetrics, endedAt, events);
  const [recorded] = await db.update(calls).set({ usageRecorded: true }).where(eq(calls.id, call.id)).returning();
  return { ...result(recorded!, plan), replayed: false };
}
