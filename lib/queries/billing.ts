"use client";
// React Query hooks for the customer's billing, and their key factory.
import { useQuery } from "@tanstack/react-query";
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
  return useQuery({
    queryKey: billingKeys.upcoming(initial.customer_id),
    queryFn: fetchUpcoming,
    initialData: initial,
    refetchInterval: 15_000,
  });
}
