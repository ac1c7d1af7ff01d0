"use client";
// React Query hooks for credits, and their key factory.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
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
  const client = useQueryClient();
  // A server render after an action (a grant, an adjustment) brings a newer balance than the
  // cache holds: take it, so the headline agrees with the ledger below it at once.
  useEffect(() => {
    const key = creditKeys.balance(initial.customer_id);
    const cached = client.getQueryData<CreditBalanceJson>(key);
    if (!cached || Date.parse(initial.as_of) > Date.parse(cached.as_of)) client.setQueryData(key, initial);
  }, [client, initial]);
  return useQuery({
    queryKey: creditKeys.balance(initial.customer_id),
    queryFn: () => fetchBalance(initial.customer_id),
    initialData: initial,
    refetchInterval: 15_000,
  });
}
