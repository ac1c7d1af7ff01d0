// What happens when a subscription period starts, in the same transaction (the credits issue
// grants the plan's included credits here).
import "server-only";
import type { Executor } from "@/lib/db/client";
import type { Plan, Subscription } from "@/lib/db/schema";

export async function afterPeriodStarted(_x: Executor, _sub: Subscription, _plan: Plan, _at: Date): Promise<void> {}
