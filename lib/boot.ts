// Start-up, once per server process: migrations, the session secret, webhook secrets sealed under the
// current key, the operator's bootstrap admin and API key, the demo seed, and the background jobs.
import "server-only";
import { processState } from "@/lib/process-state";
import { ensureBootstrapKey } from "@/lib/auth/api-keys";
import { listenForInvalidations } from "@/lib/cache/invalidation";
import { joinReplicaPresence } from "@/lib/rate-limits/replica-presence";
import { ensureAuthSecret } from "@/lib/auth/secret";
import { ensureAdmin } from "@/lib/auth/users";
import { db, driver } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { resealWebhookSecrets } from "@/lib/outbound-webhooks/endpoints";
import { paymentRail } from "@/lib/payments/provider";
import { demoAtStartup } from "@/lib/seed/startup";
import { startJobs } from "@/lib/jobs/runner";

const booted = processState("boot", () => ({ run: undefined as Promise<void> | undefined }));

export function boot(): Promise<void> {
  booted.run ??= run();
  return booted.run;
}

async function run(): Promise<void> {
  const e = env();
  const started = Date.now();
  const d = driver();
  log.info(
    { database: d.kind === "postgres" ? "postgres" : `pglite (${e.TALLY_DATA_DIR})`, payments: paymentRail() },
    "starting",
  );
  await migrate(db, d);
  await ensureAuthSecret();
  const resealed = await resealWebhookSecrets();
  if (resealed > 0) log.info({ endpoints: resealed }, "webhook secrets sealed under the current key");
  await listenForInvalidations();
  await joinReplicaPresence();
  if (e.TALLY_ADMIN_EMAIL && e.TALLY_ADMIN_PASSWORD) {
    await ensureAdmin(e.TALLY_ADMIN_EMAIL, e.TALLY_ADMIN_PASSWORD);
    log.info({ email: e.TALLY_ADMIN_EMAIL }, "bootstrap admin ensured");
  }
  if (e.TALLY_BOOTSTRAP_API_KEY) {
    await ensureBootstrapKey(e.TALLY_BOOTSTRAP_API_KEY);
    log.info("bootstrap platform API key ensured");
  }
  // Printed plainly as well as logged, so a person running `npm start` sees how to sign in — and
  // an operator who did not mean to have demo users sees them on every start.
  await demoAtStartup(e);
  if (e.JOBS_ENABLED) startJobs();
  log.info({ ms: Date.now() - started }, "ready");
}
