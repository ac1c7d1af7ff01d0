// React Query keys and fetchers for usage (the browser side of GET /api/v1/usage).
import type { CustomerUsageJson } from "@/lib/metering/schemas";
export type UsageWindowName = Exclude<CustomerUsageJson["window"], "none">;
/** GET /api/v1/usage's answer (lib/metering/schemas.ts). */
export type UsageSeriesJson = CustomerUsageJson;

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
