// The one launcher of every benchmark (the .mjs scripts import it; the .ts ones through
// bench/lib/server.ts): a production Tally server on a fresh Postgres database of its own,
// `server/serve.mjs` in a child process (the load comes from this process, over loopback), a
// platform key; and for metering, the bench catalog (meters) and customers written straight into
// the database.
//   BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres), BENCH_PORT (3113)
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import postgres from "postgres";
import { ensureBuild } from "../../scripts/ensure-build.mjs";
import { SERVER_NODE_FLAGS } from "../../server/node-flags.mjs";

export const BENCH_KEY = "tly_live_bench_metering_key_0000000000000000";

const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

/**
 * The load generator's HTTP client: one request over a kept-alive socket with node:http, the body
 * read as text. It shares the two cores with the server under test, and node:http costs it less
 * CPU per request than fetch (a trivial route: ~15 % more requests/s and a lower p99 for the same
 * server), so more of the machine measures Tally. `{ status, ok, text }`.
 */
export function send(url, { method = "GET", headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const h = body === undefined ? headers : { ...headers, "content-length": Buffer.byteLength(body) };
    const req = http.request(url, { method, headers: h, agent }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () =>
        resolve({
          status: res.statusCode,
          ok: res.statusCode >= 200 && res.statusCode < 300,
          text: Buffer.concat(chunks).toString("utf8"),
        }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

export function pgUrl(database) {
  const u = new URL(
    process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres",
  );
  if (database) u.pathname = `/${database}`;
  return u.toString();
}

/** A postgres.js client; libpq's `?host=/socket/dir` becomes the host option (as lib/db/client.ts does). */
export function connect(url, opts = {}) {
  const u = new URL(url);
  const dir = u.searchParams.get("host");
  if (!dir?.startsWith("/")) return postgres(url, { onnotice: () => {}, ...opts });
  u.searchParams.delete("host");
  return postgres(u.toString(), { onnotice: () => {}, ...opts, host: dir });
}

export async function recreateDatabase(name) {
  const admin = connect(pgUrl("postgres"), { max: 1 });
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.unsafe(`create database ${name}`);
  await admin.end();
}

export async function dropDatabase(name) {
  const admin = connect(pgUrl("postgres"), { max: 1 });
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
}

/** Resident set size of a process and its peak (kB → MB), from /proc. */
export function rss(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (k) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return { rss_mb: Math.round(kb("VmRSS") / 1024), peak_mb: Math.round(kb("VmHWM") / 1024) };
  } catch {
    return { rss_mb: 0, peak_mb: 0 };
  }
}

/**
 * Starts the server against database `name` (created fresh unless keep is set) and waits for it.
 * Returns the base URL, the server's pid and a stop function.
 */
export async function startServer(name, { keep = false, port = process.env.BENCH_PORT || "3113", env = {} } = {}) {
  process.env.NEXT_TELEMETRY_DISABLED = "1";
  ensureBuild();
  // A server already on the port would answer the readiness check and be measured instead of this one.
  await new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", () =>
      reject(new Error(`port ${port} is in use (another server or benchmark?): stop it or set BENCH_PORT`)),
    );
    probe.listen(Number(port), "127.0.0.1", () => probe.close(resolve));
  });
  if (!keep) await recreateDatabase(name);
  // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...nodeArgs, path.join("server", "serve.mjs")], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      HOSTNAME_BIND: "127.0.0.1",
      DATABASE_URL: pgUrl(name),
      AUTH_SECRET: "bench-secret-bench-secret-bench-secret-00",
      TALLY_BOOTSTRAP_API_KEY: BENCH_KEY,
      SEED_DEMO: "false",
      JOBS_ENABLED: "false",
      LOG_LEVEL: "warn",
      ...env,
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) break;
    } catch {}
    if (Date.now() - started > 120_000) throw new Error("the server did not become ready in 120 s");
    await new Promise((r) => setTimeout(r, 200));
  }
  // Warm the key path and the route bundles once.
  await fetch(`${url}/api/v1/customers`, { headers: { authorization: `Bearer ${BENCH_KEY}` } });
  const stop = async () => {
    child.kill("SIGTERM");
    await new Promise((r) => (child.exitCode !== null ? r() : child.once("exit", r)));
  };
  return { url, pid: child.pid, child, databaseUrl: pgUrl(name), peakRssMb: () => rss(child.pid).peak_mb, stop };
}

/** The bench catalog: API calls (count) and LLM tokens (sum, grouped by model), like the demo. */
export async function seedBenchCatalog(sql, customers) {
  await sql`insert into meters (id, code, name, event_name, aggregation, property, group_by, unit)
            values ('mtr_bench_api', 'api_calls', 'API calls', 'api_call', 'count', null, '[]', 'call'),
                   ('mtr_bench_in', 'llm_input_tokens', 'LLM input tokens', 'llm_call', 'sum', 'input_tokens', '["model"]', 'token'),
                   ('mtr_bench_out', 'llm_output_tokens', 'LLM output tokens', 'llm_call', 'sum', 'output_tokens', '["model"]', 'token')
            on conflict do nothing`;
  const orgs = Array.from({ length: customers }, (_, i) => ({
    id: `org_bench_${String(i).padStart(5, "0")}`,
    name: `Bench ${i}`,
    external_id: `bench-${i}`,
  }));
  await sql`insert into organizations ${sql(orgs, "id", "name", "external_id")} on conflict do nothing`;
  return orgs;
}

/**
 * The rollups ingestion would have kept for the bench catalog's events written straight into
 * usage_events (generate_series datasets): per customer, meter, hour (and model), over 8 shards;
 * then both tables vacuumed and analysed.
 */
export async function rollupsFromEvents(sql) {
  await sql`insert into usage_rollups (org_id, meter_id, bucket_start, group_key, shard, event_count)
            select org_id, 'mtr_bench_api', date_trunc('hour', "timestamp", 'UTC'), '{}', (abs(hashtext(id)) % 8)::smallint, count(*)
              from usage_events where event_name = 'api_call' group by 1, 2, 3, 4, 5`;
  for (const [meter, prop] of [
    ["mtr_bench_in", "input_tokens"],
    ["mtr_bench_out", "output_tokens"],
  ]) {
    await sql`insert into usage_rollups (org_id, meter_id, bucket_start, group_key, shard, event_count, value_sum, value_max, latest_value, latest_at)
              select org_id, ${meter}, date_trunc('hour', "timestamp", 'UTC'), jsonb_build_object('model', properties ->> 'model')::text,
                     (abs(hashtext(id)) % 8)::smallint, count(*), sum((properties ->> ${prop})::numeric), max((properties ->> ${prop})::numeric), null, max("timestamp")
                from usage_events where event_name = 'llm_call' group by 1, 2, 3, 4, 5`;
  }
  await sql`vacuum analyze usage_events`;
  await sql`vacuum analyze usage_rollups`;
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export const MODELS = ["gpt-4", "gpt-3.5-turbo", "gemini-pro", "claude-3", "mistral-7b"];

/**
 * The benchmarks' event number `n` of run `run`, as JSON text: 70 % `api_call` (the counted meter),
 * 30 % `llm_call` (tokens summed by model), over `customers` customers (external ids bench-0…). With
 * `now` (bulk ingestion), a timestamp within the minute before it and source "bench"; without, the
 * server stamps the event.
 */
export function benchEventJson(run, n, customers, now) {
  const customer = `bench-${n % customers}`;
  const stamp =
    now === undefined ? "" : `"timestamp":"${new Date(now - (n % 60_000)).toISOString()}","source":"bench",`;
  if (n % 10 < 7)
    return `{"event_id":"${run}-${n}","event_name":"api_call","external_customer_id":"${customer}",${stamp}"properties":{"route":"/v1/chat"${now === undefined ? "" : ',"status":"200"'}}}`;
  return `{"event_id":"${run}-${n}","event_name":"llm_call","external_customer_id":"${customer}",${stamp}"properties":{"model":"${MODELS[n % MODELS.length]}","input_tokens":"${200 + (n % 800)}","output_tokens":"${50 + (n % 300)}"}}`;
}

/** CPU seconds (user + system) a process has used, from /proc. */
export function cpuSeconds(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** CPU seconds used so far by the Postgres backends serving database `name`. */
export async function backendCpuSeconds(sql, name) {
  const pids = await sql`select pid from pg_stat_activity where datname = ${name} and pid <> pg_backend_pid()`;
  return pids.reduce((s, r) => s + cpuSeconds(r.pid), 0);
}
