// Several Tally replicas behind HAProxy on one Postgres: what a deployment with more than one
// process looks like, on this machine. Used by the cluster suite (tests/cluster/) and the cluster
// benchmark (bench/cluster.mjs), and by hand:
//
//   node scripts/cluster.mjs [replicas=3]     # serves http://127.0.0.1:3400 until Ctrl-C
//
// Each replica is server/serve.mjs (the production build) on a port of its own, every one with the
// background jobs on; HAProxy (Debian's `haproxy`) balances round robin, checks /api/health every
// 300 ms and takes a replica out after two failed checks. It retries a request on another replica
// only when the connection failed (the request never reached a replica): a request a replica took
// and died on is answered 502, never replayed — the client's idempotency key or event id makes its
// own retry safe. Postgres from CLUSTER_DATABASE_URL, TEST_DATABASE_URL or DATABASE_URL (default
// postgres://postgres@127.0.0.1:5432/postgres); the cluster's database is made fresh.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { SERVER_NODE_FLAGS } from "../server/node-flags.mjs";
import { ensureBuild } from "./ensure-build.mjs";

export const CLUSTER_KEY = "tly_live_cluster_platform_key_000000000000000";
export const CLUSTER_AUTH_SECRET = "cluster-secret-cluster-secret-cluster-00";

/** Where HAProxy is; null when it is not installed (`apt-get install -y haproxy`). */
export function haproxyPath() {
  for (const p of ["/usr/sbin/haproxy", "/usr/bin/haproxy", "/usr/local/sbin/haproxy"]) if (fs.existsSync(p)) return p;
  const which = spawnSync("sh", ["-c", "command -v haproxy"], { encoding: "utf8" });
  return which.status === 0 && which.stdout.trim() ? which.stdout.trim() : null;
}

function pgUrl(database) {
  const u = new URL(
    process.env.CLUSTER_DATABASE_URL ||
      process.env.TEST_DATABASE_URL ||
      process.env.DATABASE_URL ||
      "postgres://postgres@127.0.0.1:5432/postgres",
  );
  if (database) u.pathname = `/${database}`;
  return u.toString();
}

async function portFree(port) {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

async function waitHealthy(url, child, ms = 120_000) {
  const started = Date.now();
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`${url}: the process exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return;
    } catch {}
    if (Date.now() - started > ms) throw new Error(`${url} did not become healthy in ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** HAProxy's configuration for the replicas' ports. */
export function haproxyConfig(lbPort, ports) {
  return `global
  maxconn 4096
defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  timeout http-keep-alive 60s
  option http-keep-alive
  # Only a connection that failed is retried (the request never reached a replica), on another one.
  retries 2
  option redispatch
  retry-on conn-failure
frontend tally
  bind 127.0.0.1:${lbPort}
  default_backend replicas
backend replicas
  balance roundrobin
  option httpchk GET /api/health
  http-check expect status 200
  # A dead replica refuses connections: two failed checks 300 ms apart take it out. A live but busy
  # one has 3 s to answer, so a loaded machine does not flap its replicas out and in.
  timeout check 3s
  default-server inter 300ms fall 2 rise 2
${ports.map((p, i) => `  server r${i + 1} 127.0.0.1:${p} check`).join("\n")}
`;
}

/**
 * Starts `replicas` servers and HAProxy in front of them, on a fresh database `database`. The first
 * replica starts alone (it migrates and, with seedDemo, seeds), the others after it is healthy.
 * Answers { url, databaseUrl, replicas: [{ url, port, pid, alive(), kill(signal), start() }], stop() }.
 */
export async function startCluster({
  replicas = 3,
  database = "tally_cluster",
  lbPort = Number(process.env.CLUSTER_PORT || 3400),
  env = {},
  seedDemo = false,
  log = "warn",
} = {}) {
  process.env.NEXT_TELEMETRY_DISABLED = "1";
  const haproxy = haproxyPath();
  if (!haproxy) throw new Error("HAProxy is not installed: apt-get install -y haproxy");
  ensureBuild();
  const ports = Array.from({ length: replicas }, (_, i) => lbPort + 1 + i);
  for (const p of [lbPort, ...ports])
    if (!(await portFree(p))) throw new Error(`port ${p} is in use: stop what holds it or set CLUSTER_PORT`);

  const admin = postgres(pgUrl("postgres"), { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists "${database}" with (force)`);
  await admin.unsafe(`create database "${database}"`);
  await admin.end();
  const databaseUrl = pgUrl(database);
  const url = `http://127.0.0.1:${lbPort}`;

  const serverEnv = {
    ...process.env,
    NODE_ENV: "production",
    HOSTNAME_BIND: "127.0.0.1",
    DATABASE_URL: databaseUrl,
    APP_URL: url,
    AUTH_SECRET: CLUSTER_AUTH_SECRET,
    TALLY_BOOTSTRAP_API_KEY: CLUSTER_KEY,
    SEED_DEMO: seedDemo ? "true" : "false",
    PAYMENTS: "sandbox",
    JOBS_ENABLED: "true",
    LOG_LEVEL: log,
    SIGN_UPS_PER_IP: "1000",
    ...env,
  };
  const nodes = ports.map((port, i) => {
    const node = {
      name: `r${i + 1}`,
      port,
      url: `http://127.0.0.1:${port}`,
      child: null,
      pid: 0,
      alive: () => node.child !== null && node.child.exitCode === null && node.child.signalCode === null,
      async start() {
        node.child = spawn(process.execPath, [...SERVER_NODE_FLAGS, path.join("server", "serve.mjs")], {
          env: { ...serverEnv, PORT: String(port), TALLY_REPLICA: node.name },
          stdio: ["ignore", "ignore", "inherit"],
        });
        node.pid = node.child.pid;
        await waitHealthy(node.url, node.child);
      },
      /** Stops the replica: SIGKILL by default (a crash: nothing flushed, no goodbye). */
      async kill(signal = "SIGKILL") {
        if (!node.alive()) return;
        const exited = new Promise((r) => node.child.once("exit", r));
        node.child.kill(signal);
        await exited;
      },
    };
    return node;
  });
  // The first migrates (under its advisory lock) and seeds; the rest find the schema ready.
  await nodes[0].start();
  await Promise.all(nodes.slice(1).map((n) => n.start()));

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tally-cluster-"));
  const cfg = path.join(dir, "haproxy.cfg");
  fs.writeFileSync(cfg, haproxyConfig(lbPort, ports));
  // HAProxy tells each replica going down or up on stderr: shown with CLUSTER_VERBOSE=1 (and by the CLI).
  const lb = spawn(haproxy, ["-f", cfg, "-db"], {
    stdio: ["ignore", "ignore", process.env.CLUSTER_VERBOSE ? "inherit" : "ignore"],
  });
  await waitHealthy(url, lb, 20_000);

  const stop = async () => {
    const exits = [...nodes.map((n) => n.child).filter(Boolean), lb]
      .filter((c) => c.exitCode === null && c.signalCode === null)
      .map((c) => {
        const done = new Promise((r) => c.once("exit", r));
        c.kill("SIGTERM");
        return done;
      });
    await Promise.race([Promise.all(exits), new Promise((r) => setTimeout(r, 10_000))]);
    for (const c of [...nodes.map((n) => n.child), lb]) if (c && c.exitCode === null) c.kill("SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { url, databaseUrl, database, replicas: nodes, haproxy: lb, stop };
}

/** Drops the cluster's database (after stop()). */
export async function dropClusterDatabase(database = "tally_cluster") {
  const admin = postgres(pgUrl("postgres"), { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists "${database}" with (force)`);
  await admin.end();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.env.CLUSTER_VERBOSE ??= "1";
  const replicas = Number(process.argv[2] ?? 3);
  const cluster = await startCluster({ replicas, seedDemo: true, log: "info" });
  console.log(`▲ ${replicas} replicas behind HAProxy on ${cluster.url}`);
  for (const r of cluster.replicas) console.log(`  ${r.name}: ${r.url} (pid ${r.pid})`);
  console.log(`  platform key: ${CLUSTER_KEY}; demo users as in the README (password tally-demo)`);
  const shutdown = async () => {
    await cluster.stop();
    process.exit(0);
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}
