"use client";
// React Query hooks for the admin's revenue figures, and their key factory.
import { useQuery } from "@tanstack/react-query";
import type { BillingStatsJson } from "@/lib/revenue/schemas";

export const revenueKeys = {
  all: ["revenue"] as const,
  stats: () => [...revenueKeys.all, "stats"] as const,
};

async function fetchStats(): Promise<BillingStatsJson> {
  const res = await fetch("/api/v1/admin/billing/stats", { headers: { accept: "application/json" } });
  if (!res.ok) throw new Error(`stats: ${res.status}`);
  return res.json();
}

/** The platform's billing figures, refreshed every minute and when the tab regains focus. */
export function useBillingStats(initial: BillingStatsJson) {
  return useQuery({
    queryKey: revenueKeys.stats(),
    queryFn: fetchStats,
    initialData: initial,
    refetchInterval: 60_000,
  });
}
