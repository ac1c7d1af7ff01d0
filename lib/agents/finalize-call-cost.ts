// Finalizing a call: its usage metrics are priced with the charges captured when the call started,
// the cost is stored once (exact, and rounded half-up once to the currency's minor unit), and on
// request each metric becomes a usage event keyed `call_id:metric`. Finalizing again with the same
// metrics returns the first result; with different metrics it is a 409. A call without a plan, or
// with a metric its plan does not price, is refused with the reason — never a silent $0.00.
import "server-only";
import { and, eq } from "drizzle-orm";
import { db, type Executor } from "@/lib/db/client";
import { calls, plans, type Call } from "@/lib/db/schema";
import { AppError, notFound, type FieldIssue } from "@/lib/http/errors";
import { dec, minorToDecimal } from "@/lib/money";
import { ratePlan, type RatedLine } from "@/lib/rating";
import { recordCallUsage } from "./record-call-usage";

export type FinalizedCall = {
  call_id: string;
  agent_id: string;
  plan: { id: string; code: string; version: number } | null;
  cost: string;
  cost_exact: string;
  cost_cents: number;
  currency: string;
  usage_metrics: Record<string, string>;
  lines: RatedLine[];
  usage_recorded: boolean;
  finalized_at: string;
};

const sameMetrics = (a: Record<string, string>, b: Record<string, string>) => {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => b[k] !== undefined && dec(a[k]!).eq(dec(b[k]!)));
};

function result(call: Call, plan: { id: string; code: string; version: number } | null): FinalizedCall {
  return {
    call_id: call.id,
    agent_id: call.agentId,
    plan,
    cost: minorToDecimal(call.costCents!, call.currency!),
    cost_exact: dec(call.costExact!).toFixed(),
    cost_cents: call.costCents!,
    currency: call.currency!,
    usage_metrics: call.usageMetrics!,
    lines: call.costLines ?? [],
    usage_recorded: call.usageRecorded,
    finalized_at: call.finalizedAt!.toISOString(),
  };
}

const unprocessable = (message: string, details: FieldIssue[]) => new AppError("unprocessable", message, details);

export async function finalizeCallCost(
  orgId: string,
  callId: string,
  input: { usageMetrics: Record<string, string>; sendUsage: boolean; endedAt?: Date },
  outer?: Executor,
): Promise<FinalizedCall & { replayed: boolean }> {
  const run = async (tx: Executor) => {
    const [call] = await tx.select().from(calls).where(and(eq(calls.orgId, orgId), eq(calls.id, callId))).for("update");
    if (!call) throw notFound("Call");
    const [plan] = call.planId ? await tx.select({ id: plans.id, code: plans.code, version: plans.version, name: plans.name }).from(plans).where(eq(plans.id, call.planId)) : [];
    const planRef = plan ? { id: plan.id, code: plan.code, version: plan.version } : null;

    if (call.status === "finalized") {
      if (!sameMetrics(call.usageMetrics ?? {}, input.usageMetrics)) {
        throw new AppError("idempotency_conflict", `Call ${call.id} was already finalized with different usage metrics; its cost stays ${minorToDecimal(call.costCents!, call.currency!)} ${call.currency!.toUpperCase()}.`);
      }
      if (input.sendUsage && !call.usageRecorded) {
        await recordCallUsage(tx, orgId, call, call.usageMetrics!, call.endedAt ?? call.finalizedAt!);
        const [updated] = await tx.update(calls).set({ usageRecorded: true }).where(eq(calls.id, call.id)).returning();
        return { ...result(updated!, planRef), replayed: true };
      }
      return { ...result(call, planRef), replayed: true };
    }

    if (!call.planId || !call.charges || !call.currency) {
      throw unprocessable("This call has no price: its agent had no plan when the call started. Assign a plan to the agent; calls started after that are priced.", [{ field: "agent_id", message: "no plan at call start" }]);
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
    let usageRecorded = false;
    if (input.sendUsage) {
      await recordCallUsage(tx, orgId, call, input.usageMetrics, endedAt);
      usageRecorded = true;
    }
    const [done] = await tx
      .update(calls)
      .set({
        status: "finalized",
        usageMetrics: input.usageMetrics,
        costExact: rated.amount,
        costCents: rated.amount_minor,
        costLines: rated.lines,
        endedAt,
        finalizedAt: now,
        usageRecorded,
      })
      .where(eq(calls.id, call.id))
      .returning();
    return { ...result(done!, planRef), replayed: false };
  };
  return outer ? run(outer) : db.transaction(run);
}
