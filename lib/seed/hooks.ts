// Demo data that later domains add on top of the base seed (usage history, credits, agents).
import "server-only";
import { seedDemoCredits } from "@/lib/credits/seed-demo";
import { seedDemoUsage } from "@/lib/metering/demo-usage";
import { seedDemoRevenue } from "@/lib/revenue/seed-demo";

export async function afterDemoSeeded(ctx: { acmeId: string; globexId: string; now: Date }): Promise<void> {
  await seedDemoCredits(ctx);
  await seedDemoUsage(ctx);
  await seedDemoRevenue(ctx);
}
