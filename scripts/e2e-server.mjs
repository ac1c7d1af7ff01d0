// The server Playwright tests run against: a production build on E2E_PORT with a database of its
// own — a fresh Postgres database when TEST_DATABASE_URL (or DATABASE_URL) is set, else a fresh
// embedded one — seeded with the demo data, paying through the test-mode sandbox on either (on
// Postgres both are off by default).
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { ensureBuild } from "./ensure-build.mjs";
import { SERVER_NODE_FLAGS } from "../server/node-flags.mjs";

process.env.NEXT_TELEMETRY_DISABLED = "1";
ensureBuild();

const port = process.env.E2E_PORT || "3100";
// APP_URL on 127.0.0.1 as the browser reaches it: links the app hands out (checkout returns) and the
// Origin check of cookie-authenticated API calls compare against it, not against the Host header.
const env = {
  ...process.env,
  NODE_ENV: "production",
  PORT: port,
  APP_URL: `http://127.0.0.1:${port}`,
  SEED_DEMO: "true",
  PAYMENTS: "sandbox",
  LOG_LEVEL: process.env.LOG_LEVEL || "warn",
  AUTH_SECRET: "e2e-secret-e2e-secret-e2e-secret-0000",
  // The outbound-webhook journeys point customers' endpoints at receivers the tests start on loopback.
  WEBHOOK_ALLOW_PRIVATE_URLS: "true",
  // Every journey signs up from 127.0.0.1.
  SIGN_UPS_PER_IP: "1000",
};
const pgUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
let cleanup = async () => {};

if (pgUrl) {
  const name = `tally_e2e_${Date.now().toString(36)}`;
  const adminUrl = new URL(pgUrl);
  adminUrl.pathname = "/postgres";
  const admin = postgres(adminUrl.toString(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const dbUrl = new URL(pgUrl);
  dbUrl.pathname = `/${name}`;
  env.DATABASE_URL = dbUrl.toString();
  cleanup = async () => {
    await admin.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
    await admin.end();
  };
  console.log(`e2e: Postgres database ${name}`);
} else {
  const dir = path.resolve(".data-e2e");
  fs.rmSync(dir, { recursive: true, force: true });
  env.TALLY_DATA_DIR = dir;
  delete env.DATABASE_URL;
  console.log(`e2e: embedded database in ${dir}`);
}

const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, path.join("server", "serve.mjs")], {
  stdio: "inherit",
  env: { ...env, HOSTNAME_BIND: "127.0.0.1" },
});
const stop = async (code) => {
  child.kill("SIGTERM");
  await cleanup();
  process.exit(code);
};
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => stop(0));
child.on("exit", async (code) => {
  await cleanup();
  process.exit(code ?? 0);
});
