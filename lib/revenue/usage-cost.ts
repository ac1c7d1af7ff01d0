// Usage revenue and provider cost per customer for a month, from the metering rollups.
import "server-only";
import type { Executor } from "@/lib/db/client";
import type { Dec } from "@/lib/money";
import type { Month } from "./movements";

/** Exact amounts in major units of the currency; tokens as decimal strings. */
export type CustomerUsage = { revenue: Dec; cost: Dec; inputTokens: string; outputTokens: string };

/** Until usage metering lands in this branch: no usage. */
export async function usageByCustomer(_currency: string, _month: Month, _asOf: Date, _x: Executor): Promise<Map<string, CustomerUsage>> {
  return new Map();
}
