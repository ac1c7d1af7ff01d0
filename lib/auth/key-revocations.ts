// Every replica drops a revoked API key from its cache the moment another replica revokes it:
// revokeApiKey NOTIFYs, and each process LISTENs on Postgres (PGlite is one process: nothing to do).
import "server-only";
import { driver } from "@/lib/db/client";
import { log } from "@/lib/log";
import { forgetKey, KEY_REVOKED_CHANNEL } from "./api-keys";

export async function listenForKeyRevocations(): Promise<void> {
  const d = driver();
  if (d.kind !== "postgres") return;
  await d.client.listen(KEY_REVOKED_CHANNEL, (keyHash) => forgetKey(keyHash), () => log.info("listening for API key revocations"));
}
