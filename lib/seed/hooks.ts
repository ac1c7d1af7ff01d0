// Demo data that later domains add on top of the base seed (usage history, credits, agents).
import "server-only";
import { seedDemoUsage } from "@/lib/metering/demo-usage";

export async function afterDemoSeeded(ctx: { acmeId: string; globexId: string; now: Date }): Promise<void> {
  await seedDemoUsage(ctx);
}
