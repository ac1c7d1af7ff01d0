// The servers Playwright tests run against: E2E_SERVERS production servers (playwright.config.ts sets it
// to its worker count) on consecutive ports from E2E_PORT, one per Playwright worker, each with a
// database of its own — a fresh Postgres database when TEST_DATABASE_URL (or DATABASE_URL) is set, else
// a fresh embedded one — seeded with the demo data, paying through the test-mode sandbox on either (on
// Postgres both are off by default). Prints "e2e: N servers ready" once every one answers its health
// check; the build is made (when missing or stale) once, before any starts.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { ensureBuild } from "./ensure-build.mjs";
import { SERVER_NODE_FLAGS } from "../server/node-flags.mjs";

process.env.NEXT_TELEMETRY_DISABLED = "1";
ensureBuild();

const firstPort = Number(process.env.E2E_PORT || "3100");
const count = Math.max(1, Number(process.env.E2E_SERVERS || "1"));
const pgUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
// The databases' names start with this (unique per run and server); dropped when the servers stop.
const dbPrefix = process.env.E2E_DB_PREFIX || "tally_e2e";
const admin = pgUrl
  ? postgres(Object.assign(new URL(pgUrl), { pathname: "/postgres" }).toString(), { max: 1, onnotice: () => {} })
  : null;
const cleanups = [];
const children = [];

async function startServer(index) {
  const port = String(firstPort + index);
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
    HOSTNAME_BIND: "127.0.0.1",
  };
  if (admin) {
    const name = `${dbPrefix}_${Date.now().toString(36)}_${index}`;
    await admin.unsafe(`create database ${name}`);
    cleanups.push(() => admin.unsafe(`drop database if exists ${name} with (force)`).catch(() => {}));
    env.DATABASE_URL = Object.assign(new URL(pgUrl), { pathname: `/${name}` }).toString();
    console.log(`e2e: server ${index} on port ${port}, Postgres database ${name}`);
  } else {
    const dir = path.resolve(index === 0 ? ".data-e2e" : `.data-e2e-${index}`);
    fs.rmSync(dir, { recursive: true, force: true });
    env.TALLY_DATA_DIR = dir;
    delete env.DATABASE_URL;
    console.log(`e2e: server ${index} on port ${port}, embedded database in ${dir}`);
  }
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, path.join("server", "serve.mjs")], {
    stdio: "inherit",
    env,
  });
  children.push(child);
  child.on("exit", (code) => stop(code ?? 0));
  return port;
}

let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once("exit", r)) : null)));
  await Promise.all(cleanups.map((f) => f()));
  await admin?.end();
  process.exit(code);
}
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => stop(0));

async function healthy(port) {
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

const ports = [];
for (let i = 0; i < count; i++) ports.push(await startServer(i));
await Promise.all(ports.map(healthy));
console.log(`e2e: ${count} servers ready`);
