// What the usage pages show, loaded in one place for the customer's page and the admin's view of
// a customer: the month per meter (billing usage), the chart's first data (the same JSON the
// usage API answers, so the browser can refresh it from the API), per-model LLM usage, alerts;
// and for the admin the raw events, duplicates and rejections, and the id-less count.
import "server-only";
import { alertJson, listAlerts } from "@/lib/alerts/alerts";
import type { Organization } from "@/lib/db/schema";
import { liveSubscription, resolvePlan } from "@/lib/subscriptions/subscribe";
import { billingUsage } from "./billing-usage";
import { customerUsage, customerUsageJson } from "./customer-usage";
import { hourRange } from "./limit-period";
import {
  countGeneratedIdEvents,
  ingestLogCounts,
  listEvents,
  listIngestLog,
  recentIngestProblems,
} from "./list-events";
import { meterIndex } from "./meters";
import { modelUsage } from "./model-usage";
import { storedEventJson } from "./serialize";
import type { UsageWindow } from "./usage-query";

export const CHART_RANGES = { "24h": 1, "7d": 7, "30d": 30, "90d": 90 } as const;
export type ChartRange = keyof typeof CHART_RANGES;
export const CHART_WINDOWS: Record<ChartRange, UsageWindow[]> = {
  "24h": ["hour"],
  "7d": ["hour", "day"],
  "30d": ["day", "hour"],
  "90d": ["day", "month"],
};

export type ChartParams = { meter: string; window: UsageWindow; range: ChartRange };

export function chartFrom(range: ChartRange, now: Date): Date {
  return new Date(now.getTime() - CHART_RANGES[range] * 86_400_000);
}

/** The chart's parameters from the URL, each falling back to a sensible default. */
export function chartParams(
  search: { meter?: string; window?: string; range?: string },
  meterCodes: string[],
  fallbackMeter: string,
): ChartParams {
  const range: ChartRange = search.range && search.range in CHART_RANGES ? (search.range as ChartRange) : "30d";
  const allowed = CHART_WINDOWS[range];
  const window = allowed.includes(search.window as UsageWindow) ? (search.window as UsageWindow) : allowed[0]!;
  const meter = search.meter && meterCodes.includes(search.meter) ? search.meter : fallbackMeter;
  return { meter, window, range };
}

/**
 * This period per meter (GET /api/v1/billing/usage's figures) with the customer's plan: the meters
 * their plan prices or limits, and any other meter they used this period; the rest of the
 * installation's meters are not theirs to read about. The usage page and the overview show these.
 */
export async function customerPeriodUsage(org: Organization, now = new Date()) {
  const sub = await liveSubscription(org.id);
  const plan = sub ? await resolvePlan({ id: sub.planId }) : null;
  const all = await billingUsage(org, now);
  const planMeters = new Set([
    ...(plan?.charges ?? []).flatMap((c) => ("meter" in c && typeof c.meter === "string" ? [c.meter] : [])),
    ...(plan?.limits ?? []).map((l) => l.meter),
  ]);
  const mine = (code: string, used: string | null) => planMeters.has(code) || (used !== null && used !== "0");
  return { plan, billing: { ...all, meters: all.meters.filter((m) => mine(m.meter, m.used)) } };
}

export async function loadUsagePage(
  org: Organization,
  search: { meter?: string; window?: string; range?: string },
  opts: { admin?: boolean; now?: Date } = {},
) {
  const now = opts.now ?? new Date();
  const { plan, billing } = await customerPeriodUsage(org, now);
  const visible = new Set(billing.meters.map((m) => m.meter));
  const meters = (await meterIndex()).all
    .filter((m) => !m.archived && (visible.has(m.code) || m.code === search.meter))
    .map((m) => ({ code: m.code, name: m.name, unit: m.unit, aggregation: m.aggregation }));
  // The chart opens on a limited meter that has usage, else any meter with usage.
  const used = billing.meters.filter((m) => m.used !== "0" && m.used !== null);
  const busiest = (used.find((m) => m.limit) ?? used[0])?.meter ?? meters[0]?.code ?? "";
  const chart = chartParams(
    search,
    meters.map((m) => m.code),
    busiest,
  );
  const monthRange = hourRange({ start: new Date(billing.this_month.start), end: new Date(billing.this_month.end) });
  const [series, models, alerts, history] = await Promise.all([
    chart.meter
      ? customerUsage(org, { meter: [chart.meter], window: chart.window, from: chartFrom(chart.range, now) }, now).then(
          (u) => customerUsageJson(org, u),
        )
      : null,
    modelUsage(org.id, monthRange, plan),
    listAlerts(org.id, { status: "open", limit: 20 }),
    listAlerts(org.id, { status: "all", limit: 10 }),
  ]);
  const admin = opts.admin
    ? await Promise.all([
        listEvents(org.id, { limit: 25 }),
        listIngestLog(org.id, { limit: 25 }),
        countGeneratedIdEvents(org.id, new Date(now.getTime() - 30 * 86_400_000)),
        ingestLogCounts(org.id, new Date(now.getTime() - 7 * 86_400_000)),
      ]).then(([events, log, generated, counts]) => ({
        events: events.data.map((e) => storedEventJson(e, org.externalId)),
        log: log.map((l) => ({
          id: l.id,
          receivedAt: l.receivedAt.toISOString(),
          outcome: l.outcome,
          eventId: l.eventId,
          eventName: l.eventName,
          customerRef: l.customerRef,
          field: l.field,
          reason: l.reason,
          via: l.via,
          item: l.item,
        })),
        generatedIdEvents30d: generated,
        logCounts7d: counts,
      }))
    : null;
  return {
    customer: { id: org.id, name: org.name, externalId: org.externalId },
    plan: plan ? { name: plan.name, code: plan.code } : null,
    billing,
    meters,
    chart,
    series,
    models,
    alerts: alerts.data.map(alertJson),
    acknowledged: history.data.filter((a) => a.acknowledgedAt !== null).map(alertJson),
    admin,
  };
}

export type UsagePageData = Awaited<ReturnType<typeof loadUsagePage>>;

/** The admin's platform-wide ingest view: the latest problems, and the counts of the last days. */
export async function loadIngestOverview(now = new Date()) {
  const [problems, counts, generated] = await Promise.all([
    recentIngestProblems(50),
    ingestLogCounts(null, new Date(now.getTime() - 7 * 86_400_000)),
    countGeneratedIdEvents(null, new Date(now.getTime() - 30 * 86_400_000)),
  ]);
  return { problems, counts, generated };
}
