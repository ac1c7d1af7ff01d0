// What happens when a subscription period starts, in the same transaction: the plan's included
// credits are granted for the period (monthly plans) or its first month (yearly plans; the credits
// job grants the following months) — once per window, however often this runs.
import "server-only";
import { allocateIncludedCredits } from "@/lib/credits/allocate-credits";
import type { Executor } from "@/lib/db/client";
import type { Plan, Subscription } from "@/lib/db/schema";

export async function afterPeriodStarted(x: Executor, sub: Subscription, plan: Plan, at: Date): Promise<void> {
  await allocateIncludedCredits(x, sub, plan, at);
}
