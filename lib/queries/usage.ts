// React Query keys and fetchers for usage (the browser side of GET /api/v1/usage).
export type UsageWindowName = "hour" | "day" | "month";
export type UsageSeriesJson = {
  customer_id: string;
  from: string;
  to: string;
  window: string;
  meters: {
    meter: string;
    name: string;
    unit: string;
    aggregation: string;
    value: string | null;
    windows?: { start: string; end: string; value: string | null }[];
  }[];
};

export const usageKeys = {
  all: ["usage"] as const,
  series: (customerId: string, meter: string, window: UsageWindowName, range: string) =>
    ["usage", customerId, meter, window, range] as const,
};

export async function fetchUsageSeries(
  customerId: string,
  meter: string,
  window: UsageWindowName,
  from: Date,
): Promise<UsageSeriesJson> {
  const qs = new URLSearchParams({ customer_id: customerId, meter, window, from: from.toISOString() });
  const res = await fetch(`/api/v1/usage?${qs}`, {
    credentials: "same-origin",
    headers: { accept: "application/json" },
  });
  if (!res.ok) throw new Error(`Usage could not be loaded (${res.status}).`);
  return (await res.json()) as UsageSeriesJson;
}
