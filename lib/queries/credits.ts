"use client";
// React Query hooks for credits, and their key factory.
import { useQuery } from "@tanstack/react-query";
import type { CreditBalanceJson } from "@/lib/credits/schemas";

export const creditKeys = {
  all: ["credits"] as const,
  balance: (customerId: string) => [...creditKeys.all, "balance", customerId] as const,
};

async function fetchBalance(customerId: string): Promise<CreditBalanceJson> {
  const res = await fetch(`/api/v1/credits?customer_id=${encodeURIComponent(customerId)}`, {
    headers: { accept: "application/json" },
  });
  if (!res.ok) throw new Error(`credits: ${res.status}`);
  return res.json();
}

/** The balance and buckets, refreshed every 15 s and when the tab regains focus. */
export function useCreditBalance(initial: CreditBalanceJson) {
  return useQuery({
    queryKey: creditKeys.balance(initial.customer_id),
    queryFn: () => fetchBalance(initial.customer_id),
    initialData: initial,
    refetchInterval: 15_000,
  });
}
