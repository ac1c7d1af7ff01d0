// The credits domain's background jobs (listed in lib/jobs/registry.ts).
import "server-only";
import type { Job } from "@/lib/jobs/runner";
import { allocateDueAddonCredits } from "@/lib/addons/credits";
import { allocateDueCredits } from "./allocate-credits";
import { drawdownJob } from "./drawdown";
import { expireDueCredits } from "./expire-credits";

export const creditJobs: Job[] = [
  { name: "credits.expire", everyMs: 30_000, run: (now) => expireDueCredits(now) },
  { name: "credits.allocate", everyMs: 5 * 60_000, run: (now) => allocateDueCredits(now) },
  // Recurring add-ons' credits per window: a yearly subscription's monthly top-ups (lib/addons/credits).
  { name: "credits.allocate-addons", everyMs: 5 * 60_000, run: (now) => allocateDueAddonCredits(now) },
  drawdownJob,
];
