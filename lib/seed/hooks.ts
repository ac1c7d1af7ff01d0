// Demo data that later domains add on top of the base seed (usage history, credits, agents).
import "server-only";

export async function afterDemoSeeded(_ctx: { acmeId: string; globexId: string; now: Date }): Promise<void> {}
