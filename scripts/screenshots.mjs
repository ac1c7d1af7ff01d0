// `npm run screenshots`: the README's images, from the demo data. Builds if needed, serves the build on a
// free port with a fresh embedded database (seeded with the demo), signs in as the demo owner and admin,
// and writes docs/screenshots/{billing,usage,admin-overview}.png at 1440×900.
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { ensureBuild } from "./ensure-build.mjs";
import { takeScreenshots } from "./screenshot.mjs";
import { SERVER_NODE_FLAGS } from "../server/node-flags.mjs";

const OUT = path.resolve("docs", "screenshots");
const VIEWPORT = { width: 1440, height: 900 };

process.env.NEXT_TELEMETRY_DISABLED = "1";
ensureBuild();

/** A port nothing listens on now (the OS picks it). */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitForHealth(base, server) {
  const deadline = Date.now() + 600_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the server exited with code ${server.exitCode}; see above`);
    try {
      if ((await fetch(`${base}/api/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the server did not answer ${base}/api/health within 10 minutes`);
}

const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tally-screenshots-"));
const env = {
  ...process.env,
  NODE_ENV: "production",
  PORT: String(port),
  HOSTNAME_BIND: "127.0.0.1",
  APP_URL: base,
  TALLY_DATA_DIR: dataDir,
  SEED_DEMO: "true",
  PAYMENTS: "sandbox",
  LOG_LEVEL: "warn",
  AUTH_SECRET: crypto.randomBytes(32).toString("hex"),
};
// The demo lives in the embedded database, whatever the shell points at.
delete env.DATABASE_URL;
const server = spawn(process.execPath, [...SERVER_NODE_FLAGS, path.join("server", "serve.mjs")], {
  stdio: ["ignore", "inherit", "inherit"],
  env,
});

let failed = false;
try {
  await waitForHealth(base, server);
  fs.mkdirSync(OUT, { recursive: true });
  const common = { base, ...VIEWPORT, fullPage: false, waitMs: 1500 };
  await takeScreenshots({
    ...common,
    email: "owner@acme.example",
    shots: [
      { path: "/billing", file: path.join(OUT, "billing.png") },
      { path: "/usage", file: path.join(OUT, "usage.png") },
    ],
  });
  await takeScreenshots({
    ...common,
    email: "admin@tally.local",
    shots: [{ path: "/admin", file: path.join(OUT, "admin-overview.png") }],
  });
} catch (e) {
  console.error(e);
  failed = true;
} finally {
  server.kill("SIGTERM");
  await new Promise((r) => (server.exitCode !== null ? r() : server.once("exit", r)));
  fs.rmSync(dataDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
