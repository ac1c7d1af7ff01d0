"use client";
// React Query hooks for the customer's billing, and their key factory.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import type { UpcomingInvoiceJson } from "@/lib/payments/schemas";

export const billingKeys = {
  all: ["billing"] as const,
  upcoming: (customerId: string) => [...billingKeys.all, "upcoming-invoice", customerId] as const,
};

async function fetchUpcoming(): Promise<UpcomingInvoiceJson> {
  const res = await fetch("/api/v1/billing/upcoming-invoice", {
    credentials: "same-origin",
    headers: { accept: "application/json" },
  });
  if (!res.ok) throw new Error(`upcoming invoice: ${res.status}`);
  return res.json();
}

/** The upcoming invoice, refreshed every 15 s and when the tab regains focus, so usage shows as it arrives. */
export function useUpcomingInvoice(initial: UpcomingInvoiceJson) {
  const client = useQueryClient();
  // A server render after an action (cancel, resume, a plan change) is newer than the cache: take it,
  // so the invoice agrees with the subscription shown above it at once.
  useEffect(() => {
    const key = billingKeys.upcoming(initial.customer_id);
    const cached = client.getQueryData<UpcomingInvoiceJson>(key);
    if (!cached || Date.parse(initial.as_of) > Date.parse(cached.as_of)) client.setQueryData(key, initial);
  }, [client, initial]);
  return useQuery({
    queryKey: billingKeys.upcoming(initial.customer_id),
    queryFn: fetchUpcoming,
    initialData: initial,
    refetchInterval: 15_000,
  });
}
