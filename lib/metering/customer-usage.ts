// GET /api/v1/usage: a customer's quantities per meter over a range, by window and group.
import "server-only";
import type { Organization } from "@/lib/db/schema";
import { invalidField } from "@/lib/http/errors";
import { liveSubscription } from "@/lib/subscriptions/subscribe";
import { startOfUtcMonth } from "@/lib/time";
import { limitPeriod, requestRange, type Period } from "./limit-period";
import { meterIndex, type MeterDef } from "./meters";
import type { CustomerUsageJson, MeterUsageJson } from "./schemas";
import { MAX_WINDOWS, queryUsage, windowStarts, type MeterUsage, type UsageWindow } from "./usage-query";

export type CustomerUsageInput = {
  meter?: string[];
  from?: Date;
  to?: Date;
  window?: UsageWindow | "none";
  group_by?: string[];
};

export type CustomerUsage = { range: Period; window: UsageWindow | null; groupBy: string[]; usage: MeterUsage[] };

/** The meters named by code (unknown codes are a 400), or every active meter. */
export async function resolveMeters(codes: string[] | undefined, field = "meter"): Promise<MeterDef[]> {
  const index = await meterIndex();
  if (!codes || codes.length === 0) return index.all.filter((m) => !m.archived);
  return codes.map((code) => {
    const m = index.byCode.get(code);
    if (!m) throw invalidField(field, `no meter has the code "${code}"`);
    return m;
  });
}

/** Where a customer's usage reads start when no `from` is given: the current limit period, else this UTC month. */
export async function defaultUsageStart(orgId: string, now: Date): Promise<Date> {
  const sub = await liveSubscription(orgId);
  return sub ? limitPeriod(sub, now).start : startOfUtcMonth(now);
}

export async function customerUsage(
  org: Organization,
  input: CustomerUsageInput,
  now = new Date(),
): Promise<CustomerUsage> {
  const meters = await resolveMeters(input.meter);
  const groupBy = input.group_by ?? [];
  if (groupBy.length && input.meter?.length) {
    for (const m of meters) {
      const missing = groupBy.filter((k) => !m.groupBy.includes(k));
      if (missing.length)
        throw invalidField(
          "group_by",
          `meter ${m.code} does not group by ${missing.join(", ")}${m.groupBy.length ? ` (it groups by ${m.groupBy.join(", ")})` : " (it has no group_by)"}`,
        );
    }
  }
  const from = input.from ?? (await defaultUsageStart(org.id, now));
  const to = input.to ?? now;
  if (to <= from) throw invalidField("to", "must be after from");
  const range = requestRange(from, to, now);
  const window = input.window && input.window !== "none" ? input.window : null;
  if (window && windowStarts(range, window).length > MAX_WINDOWS)
    throw invalidField(
      "window",
      `gives more than ${MAX_WINDOWS} windows for this range: choose a larger window or a shorter range`,
    );
  const usage = await queryUsage({ orgId: org.id, meters, range, window, groupBy });
  return { range, window, groupBy, usage };
}

export function customerUsageJson(org: Organization, u: CustomerUsage): CustomerUsageJson {
  return {
    customer_id: org.id,
    external_customer_id: org.externalId,
    from: u.range.start.toISOString(),
    to: u.range.end.toISOString(),
    window: u.window ?? "none",
    group_by: u.groupBy,
    meters: u.usage.map(meterUsageJson),
  };
}

export function meterUsageJson(m: MeterUsage): MeterUsageJson {
  return {
    meter: m.meter.code,
    name: m.meter.name,
    event_name: m.meter.eventName,
    aggregation: m.meter.aggregation,
    unit: m.meter.unit,
    value: m.value,
    ...(m.groups ? { groups: m.groups } : {}),
    ...(m.windows
      ? {
          windows: m.windows.map((w) => ({
            start: w.start.toISOString(),
            end: w.end.toISOString(),
            value: w.value,
            ...(w.groups ? { groups: w.groups } : {}),
          })),
        }
      : {}),
  };
}
