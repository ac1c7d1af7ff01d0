// A finalized call's metrics as usage events, one per metric, keyed `call_id:metric` so that a
// retry never records twice, recorded inside the finalize transaction. A metric is a meter code:
// the event carries the meter's event name and the quantity in the property the meter reads. A
// count meter counts events, so its quantity becomes that many events (`call_id:metric:n`).
import "server-only";
import { metersByCode } from "@/lib/catalog/meters";
import type { Executor } from "@/lib/db/client";
import type { Call } from "@/lib/db/schema";
import { AppError } from "@/lib/http/errors";
import { dec } from "@/lib/money";
import { ingestEvents, type UsageEventInput } from "@/lib/metering/ingest-events";
import { CALL_SOURCE } from "@/lib/metering/parse-event";

const MAX_COUNT_EVENTS = 10_000;

/** The events a call's metrics become; throws (naming each metric) when one cannot be recorded. */
export async function callUsageEvents(
  tx: Executor,
  call: Call,
  metrics: Record<string, string>,
  at: Date,
): Promise<UsageEventInput[]> {
  const meters = await metersByCode(Object.keys(metrics), tx);
  const events: UsageEventInput[] = [];
  const problems: { field: string; message: string }[] = [];
  for (const [code, value] of Object.entries(metrics)) {
    const meter = meters.get(code);
    const field = `usage_metrics.${code}`;
    if (!meter) {
      problems.push({ field, message: "no meter with this code, so it cannot be recorded as usage" });
      continue;
    }
    const base = {
      timestamp: at,
      source: CALL_SOURCE,
      properties: { call_id: call.id, agent_id: call.agentId } as Record<string, unknown>,
    };
    if (meter.aggregation === "count") {
      const n = dec(value);
      if (!n.isInteger() || n.gt(MAX_COUNT_EVENTS)) {
        problems.push({ field, message: `meter ${code} counts events: send a whole number up to ${MAX_COUNT_EVENTS}` });
        continue;
      }
      for (let i = 0; i < n.toNumber(); i++)
        events.push({ ...base, eventId: `${call.id}:${code}:${i}`, eventName: meter.eventName });
    } else if (meter.aggregation === "unique_count") {
      problems.push({ field, message: `meter ${code} counts distinct values, which a call's total cannot express` });
    } else {
      events.push({
        ...base,
        eventId: `${call.id}:${code}`,
        eventName: meter.eventName,
        properties: { ...base.properties, [meter.property!]: value },
      });
    }
  }
  if (problems.length)
    throw new AppError(
      "unprocessable",
      `Call usage could not be recorded: ${problems.map((p) => `${p.field}: ${p.message}`).join("; ")}`,
      problems,
    );
  return events;
}

export async function recordCallUsage(
  tx: Executor,
  orgId: string,
  call: Call,
  metrics: Record<string, string>,
  at: Date,
  prepared?: UsageEventInput[],
): Promise<void> {
  const events = prepared ?? (await callUsageEvents(tx, call, metrics, at));
  if (events.length === 0) return;
  const summary = await ingestEvents(orgId, events, { tx, via: "calls", now: at });
  const rejected = summary.outcomes.filter((o) => o.status === "rejected");
  if (rejected.length) {
    throw new AppError(
      "unprocessable",
      `Call usage was refused by metering: ${rejected.map((r) => `${r.eventName}: ${r.error?.message ?? "rejected"}`).join("; ")}`,
      rejected.map((r) => ({ field: `usage_metrics.${String(r.eventName)}`, message: r.error?.message ?? "rejected" })),
    );
  }
}
