// Starts a production Tally server for a benchmark: its own fresh Postgres database, a known
// platform key, no demo data, quiet logs. The benchmark process then loads it over loopback.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";

export const BENCH_KEY = "tly_live_bench_platform_key_0123456789abcdef";

export type BenchServer = { url: string; pid: number; databaseUrl: string; stop: () => Promise<void>; peakRssMb: () => number };

export async function startServer(opts: { port: number; database: string; env?: Record<string, string> }): Promise<BenchServer> {
  const base = process.env.BENCH_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres";
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${opts.database} with (force)`);
  await admin.unsafe(`create database ${opts.database}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${opts.database}`;
  const databaseUrl = url.toString();
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, path.join("server", "serve.mjs")], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_URL: databaseUrl,
      SEED_DEMO: "false",
      JOBS_ENABLED: "false",
      LOG_LEVEL: "warn",
      AUTH_SECRET: "bench-secret-bench-secret-bench-secret",
      TALLY_BOOTSTRAP_API_KEY: BENCH_KEY,
      PORT: String(opts.port),
      HOSTNAME_BIND: "127.0.0.1",
      ...opts.env,
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const serverUrl = `http://127.0.0.1:${opts.port}`;
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${serverUrl}/api/health`)).ok) break;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  const serverPid = () => child.pid!;
  return {
    url: serverUrl,
    pid: child.pid!,
    databaseUrl,
    peakRssMb: () => {
      const status = readFileSync(`/proc/${serverPid()}/status`, "utf8");
      const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
      return Math.round(kb / 1024);
    },
    stop: async () => {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    },
  };
}

export async function api<T = unknown>(server: { url: string }, method: string, p: string, body?: unknown): Promise<T> {
  const res = await fetch(`${server.url}${p}`, { method, headers: { authorization: `Bearer ${BENCH_KEY}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${p} → ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}
