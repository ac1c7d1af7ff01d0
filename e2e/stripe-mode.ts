// A second app server for journeys that need Stripe: this machine cannot reach Stripe, so the app runs
// again on its own port and embedded database, with PAYMENTS=stripe pointed at the Stripe-shaped test
// server (tests/support/stripe-server.ts; the real SDK talks to it), the demo seeded.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { StripeServer } from "../tests/support/stripe-server";

export type StripeModeApp = { stop: () => Promise<void> };

/** Starts the Stripe test server and the app on `port`; resolves once the app answers its health check. */
export async function startStripeModeApp(
  stripe: StripeServer,
  opts: { port: number; name: string; env: Record<string, string> },
): Promise<StripeModeApp> {
  const base = `http://127.0.0.1:${opts.port}`;
  await stripe.start();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `tally-e2e-${opts.name}-`));
  const server: ChildProcess = spawn(process.execPath, [path.join("server", "serve.mjs")], {
    stdio: "ignore",
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(opts.port),
      HOSTNAME_BIND: "127.0.0.1",
      APP_URL: base,
      TALLY_DATA_DIR: dataDir,
      DATABASE_URL: "",
      SEED_DEMO: "true",
      PAYMENTS: "stripe",
      LOG_LEVEL: "warn",
      ...opts.env,
      ...stripe.env(),
    },
  });
  const stop = async () => {
    server.kill("SIGTERM");
    await stripe.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  for (let i = 0; ; i++) {
    const up = await fetch(`${base}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return { stop };
    if (i > 200) {
      await stop();
      throw new Error(`the Stripe-mode server did not start on ${base}`);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}
