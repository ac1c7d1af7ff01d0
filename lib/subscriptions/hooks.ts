// What happens around a subscription's periods, in the same transaction as the change:
// afterPeriodStarted grants the plan's included credits (credits); afterSubscriptionRenewed
// issues the period's invoice for subscriptions Tally bills itself (payments).
import "server-only";
import type { Executor } from "@/lib/db/client";
import type { Plan, Subscription } from "@/lib/db/schema";

export async function afterPeriodStarted(_x: Executor, _sub: Subscription, _plan: Plan, _at: Date): Promise<void> {}

export async function afterSubscriptionRenewed(_x: Executor, _sub: Subscription, _plan: Plan, _ctx: { previous: Subscription; periodStart: Date }): Promise<void> {}
