// Whether start-up seeds the demo (whose users share a published password): by default only on the
// embedded database, the try-it-out installation; on DATABASE_URL only when SEED_DEMO=true asks for
// it; never when the operator names its own admin (TALLY_ADMIN_EMAIL), whatever SEED_DEMO says.
import type { Env } from "@/lib/env";

export type SeedDecision = { seed: boolean; reason: string };

export function demoSeedDecision(e: Pick<Env, "SEED_DEMO" | "DATABASE_URL" | "TALLY_ADMIN_EMAIL">): SeedDecision {
  if (e.TALLY_ADMIN_EMAIL)
    return { seed: false, reason: "TALLY_ADMIN_EMAIL is set: an operator's installation gets no demo users" };
  if (e.SEED_DEMO === false) return { seed: false, reason: "SEED_DEMO=false" };
  if (e.SEED_DEMO === true) return { seed: true, reason: "SEED_DEMO=true" };
  return e.DATABASE_URL
    ? { seed: false, reason: "DATABASE_URL is set: the demo is seeded there only with SEED_DEMO=true" }
    : { seed: true, reason: "the embedded database (set SEED_DEMO=false to start empty)" };
}
