"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useSyncExternalStore } from "react";
import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from "recharts";
import { FluidChart } from "@/components/ui/fluid-chart";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { ScrollArea } from "@/components/ui/scroll-area";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, Td, Th } from "@/components/ui/table";
import { formatDay, formatHour, formatMonth, formatQuantity, formatTime } from "@/lib/format";
import { fetchUsageSeries, usageKeys, type UsageSeriesJson, type UsageWindowName } from "@/lib/queries/usage";

export type ChartMeter = { code: string; name: string; unit: string; aggregation: string };
type Range = "24h" | "7d" | "30d" | "90d";
const RANGES: { value: Range; label: string; days: number; windows: UsageWindowName[] }[] = [
  { value: "24h", label: "Last 24 hours", days: 1, windows: ["hour"] },
  { value: "7d", label: "Last 7 days", days: 7, windows: ["hour", "day"] },
  { value: "30d", label: "Last 30 days", days: 30, windows: ["day", "hour"] },
  { value: "90d", label: "Last 90 days", days: 90, windows: ["day", "month"] },
];
const noSubscription = () => () => {};

/** The time of the last refresh, in the viewer's clock; the server's render says only that it is current. */
function UpdatedAt({ at }: { at: number }) {
  const isClient = useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
  return <>{isClient ? `Updated ${formatTime(at)}` : "Up to date"}</>;
}

const WINDOW_LABEL: Record<UsageWindowName, string> = { hour: "By hour", day: "By day", month: "By month" };

function label(iso: string, window: UsageWindowName): string {
  if (window === "hour") return formatHour(iso);
  if (window === "day") return formatDay(iso);
  return formatMonth(iso.slice(0, 7));
}

/**
 * Usage of one meter over time: a bar chart with the same numbers in a table beside it. Meter,
 * window and range live in the URL; React Query refreshes the data from GET /api/v1/usage every
 * 30 seconds (the server renders the first data, so the page shows numbers before any fetch).
 */
export function UsageChart({
  customerId,
  meters,
  initial,
  initialData,
}: {
  customerId: string;
  meters: ChartMeter[];
  initial: { meter: string; window: UsageWindowName; range: Range };
  initialData: UsageSeriesJson | null;
}) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const range = (RANGES.find((r) => r.value === params.get("range"))?.value ?? initial.range) as Range;
  const rangeDef = RANGES.find((r) => r.value === range)!;
  const windowParam = params.get("window") as UsageWindowName | null;
  const window =
    windowParam && rangeDef.windows.includes(windowParam)
      ? windowParam
      : rangeDef.windows.includes(initial.window)
        ? initial.window
        : rangeDef.windows[0]!;
  const meterCode = meters.some((m) => m.code === params.get("meter")) ? params.get("meter")! : initial.meter;
  const meter = meters.find((m) => m.code === meterCode);
  const isInitial = meterCode === initial.meter && window === initial.window && range === initial.range;

  const queryKey = usageKeys.series(customerId, meterCode, window, range);
  // The server renders the page again after a change made on it (a correction retracting events):
  // its data is then newer than the cached series, which would otherwise show until the next refresh.
  const queryClient = useQueryClient();
  useEffect(() => {
    if (isInitial && initialData) queryClient.setQueryData(queryKey, initialData);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only a new server render brings new initialData
  }, [initialData]);
  const query = useQuery({
    queryKey,
    queryFn: () => fetchUsageSeries(customerId, meterCode, window, new Date(Date.now() - rangeDef.days * 86_400_000)),
    initialData: isInitial && initialData ? initialData : undefined,
    refetchInterval: 30_000,
    enabled: Boolean(meterCode),
  });

  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params.toString());
    next.set(key, value);
    if (key === "range") {
      const def = RANGES.find((r) => r.value === value)!;
      if (!def.windows.includes(window)) next.set("window", def.windows[0]!);
    }
    router.replace(`${pathname}?${next.toString()}`, { scroll: false });
  };

  const series = query.data?.meters[0];
  const points = (series?.windows ?? []).map((w) => ({
    start: w.start,
    label: label(w.start, window),
    value: w.value === null ? null : Number(w.value),
    text: w.value,
  }));
  const unit = meter?.unit ?? "unit";
  const selectClass =
    "rounded-md border-0 bg-white py-1.5 pl-2 pr-8 text-sm text-zinc-900 ring-1 ring-inset ring-zinc-300";

  return (
    <Card>
      <CardHeader
        title="Usage over time"
        description={
          series
            ? `${meter?.name ?? meterCode}: ${series.value === null ? "no data" : formatQuantity(series.value, unit)} in the range (UTC ${window}s).`
            : "Choose a meter."
        }
        action={
          <div className="flex flex-wrap items-center gap-2">
            <label className="sr-only" htmlFor="usage-meter">
              Meter
            </label>
            <select
              id="usage-meter"
              className={selectClass}
              value={meterCode}
              onChange={(e) => set("meter", e.target.value)}
            >
              {meters.map((m) => (
                <option key={m.code} value={m.code}>
                  {m.name}
                </option>
              ))}
            </select>
            <label className="sr-only" htmlFor="usage-range">
              Range
            </label>
            <select
              id="usage-range"
              className={selectClass}
              value={range}
              onChange={(e) => set("range", e.target.value)}
            >
              {RANGES.map((r) => (
                <option key={r.value} value={r.value}>
                  {r.label}
                </option>
              ))}
            </select>
            <label className="sr-only" htmlFor="usage-window">
              Window
            </label>
            <select
              id="usage-window"
              className={selectClass}
              value={window}
              onChange={(e) => set("window", e.target.value)}
            >
              {rangeDef.windows.map((w) => (
                <option key={w} value={w}>
                  {WINDOW_LABEL[w]}
                </option>
              ))}
            </select>
          </div>
        }
      />
      {meters.length === 0 ? (
        <EmptyState title="No meters yet">Once the platform defines meters, usage you send shows here.</EmptyState>
      ) : query.isPending ? (
        <div className="p-5" role="status" aria-label="Loading usage">
          <Skeleton className="h-64" />
        </div>
      ) : query.isError ? (
        <div className="p-5 text-sm text-red-700" role="alert">
          {query.error.message}
        </div>
      ) : points.every((p) => !p.value) ? (
        <EmptyState title={`No ${meter?.name ?? meterCode} usage in this range`}>
          Events sent for this meter show here as soon as they are accepted; try a longer range or another meter.
        </EmptyState>
      ) : (
        <div className="grid grid-cols-1 gap-4 p-5 lg:grid-cols-3">
          {/* min-w-0: the grid column may shrink below the chart's last width, so the chart follows a narrower screen. */}
          <figure
            className="min-w-0 lg:col-span-2"
            aria-label={`${meter?.name ?? meterCode} by ${window}`}
            data-testid="usage-chart"
          >
            <div className="h-64">
              <FluidChart>
                <BarChart data={points} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
                  <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e4e4e7" />
                  <XAxis
                    dataKey="label"
                    tick={{ fontSize: 11, fill: "#71717a" }}
                    interval="preserveStartEnd"
                    minTickGap={24}
                  />
                  <YAxis
                    tick={{ fontSize: 11, fill: "#71717a" }}
                    tickFormatter={(v: number) => formatQuantity(v, undefined, "compact")}
                    width={48}
                  />
                  <Tooltip
                    formatter={(v) => [formatQuantity(Number(v), unit), meter?.name ?? meterCode]}
                    labelFormatter={(l) => `${l} (UTC)`}
                  />
                  <Bar dataKey="value" fill="#4f46e5" radius={[3, 3, 0, 0]} isAnimationActive={false} />
                </BarChart>
              </FluidChart>
            </div>
            <figcaption className="mt-2 text-xs text-zinc-500">
              {query.isFetching ? "Refreshing…" : <UpdatedAt at={query.dataUpdatedAt} />} · refreshes every 30 s
            </figcaption>
          </figure>
          {/* The one scroll box of the table: its header stays in view while the periods scroll under it. */}
          <ScrollArea className="max-h-72 overflow-auto rounded-lg ring-1 ring-zinc-100" label="Usage by period">
            <Table scroll={false}>
              <thead
                className="sticky top-0 z-10 bg-white shadow-[0_1px_0_0_var(--color-zinc-200)]"
                data-testid="usage-table-head"
              >
                <tr>
                  <Th>{window === "hour" ? "Hour (UTC)" : window === "day" ? "Day (UTC)" : "Month"}</Th>
                  <Th align="right">{unit === "unit" ? "Quantity" : `${unit}s`}</Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100" data-testid="usage-table">
                {[...points].reverse().map((p) => (
                  <tr key={p.start}>
                    <Td>{p.label}</Td>
                    <Td align="right">{p.text === null ? "—" : formatQuantity(p.text)}</Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          </ScrollArea>
        </div>
      )}
    </Card>
  );
}
