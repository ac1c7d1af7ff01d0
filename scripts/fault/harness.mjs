// What the fault scripts (scripts/fault-*.mjs, issue 15's standing fault suite) share: their
// options, their clock and log line, HTTP requests with a deadline, starting the production build
// on a database of its own and waiting for its health, the small statistics of the report, and the
// run itself (signals, a hard deadline, the JSON report and the exit code).
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { SERVER_NODE_FLAGS } from "../../server/node-flags.mjs";

/** `--some-option value` (or a bare `--flag`, "true") over `defaults`; numbers stay numbers. */
export function parseOptions(defaults, argv = process.argv.slice(2)) {
  const o = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) continue;
    const k = a.slice(2).replace(/-/g, "_");
    const v = argv[i + 1] && !argv[i + 1].startsWith("--") ? argv[++i] : "true";
    o[k] = typeof defaults[k] === "number" ? Number(v) : v;
  }
  return o;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const now = () => performance.now();
const t0 = now();
/** Seconds since the script started. */
export const elapsed = () => (now() - t0) / 1000;
/** A progress line on stderr (stdout carries the JSON report). */
export const say = (msg) => console.error(`[${elapsed().toFixed(1).padStart(6)} s] ${msg}`);

/** Exits 2 unless `npm run build` has produced the server and its fast path. */
export function requireBuild() {
  if (!fs.existsSync(path.join(".next", "BUILD_ID")) || !fs.existsSync(path.join(".next", "fast-path.mjs"))) {
    console.error("No production build: run `npm run build` first.");
    process.exit(2);
  }
}

const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

/**
 * One request with a deadline: `{ status, json, retryAfter, ms }`; status "timeout" or "network"
 * when there is no answer. `data` is sent as is (a string) with a JSON content type and its length.
 */
export function request(url, { method = "GET", headers = {}, data, timeoutMs = 15_000 } = {}) {
  return new Promise((resolve) => {
    const h = {
      ...(data === undefined ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(data) }),
      ...headers,
    };
    const started = now();
    let settled = false;
    const done = (r) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...r, ms: now() - started });
    };
    const req = http.request(url, { method, headers: h, agent }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json = null;
        try {
          json = text ? JSON.parse(text) : null;
        } catch {}
        done({ status: res.statusCode, json, retryAfter: res.headers["retry-after"] ?? null });
      });
      res.on("error", () => done({ status: "network", json: null, retryAfter: null }));
    });
    const timer = setTimeout(() => {
      req.destroy();
      done({ status: "timeout", json: null, retryAfter: null });
    }, timeoutMs);
    req.on("error", () => done({ status: "network", json: null, retryAfter: null }));
    req.end(data);
  });
}

/** A definitive answer: the server decided (2xx or 4xx). 5xx and no answer leave the outcome open. */
export const decided = (s) => typeof s === "number" && s < 500;

/** `{ value: how many times }`. */
export const count = (xs) => xs.reduce((m, x) => ((m[x] = (m[x] ?? 0) + 1), m), {});

/** The p-th percentile of ascending `sorted` (nearest rank, one decimal), or null for none. */
export const percentile = (sorted, p) =>
  sorted.length
    ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] * 10) / 10
    : null;

/**
 * Runs `fn` over `items`, at most `n` at once, starting none after `budgetMs` (a wedged server
 * answers nothing, and each request waits out its timeout): returns how many were not run.
 */
export async function pool(items, n, fn, budgetMs = 120_000) {
  const stopAt = now() + budgetMs;
  let i = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (i < items.length && now() < stopAt) await fn(items[i++]);
    }),
  );
  return items.length - i;
}

/** Whether nothing listens on the port: a server that cannot bind stays up without serving, and would look like a hang. */
export const portFree = (port) =>
  new Promise((resolve) => {
    const probe = net.createServer().once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });

/** The environment every fault script gives the production server (plus its own `extra`). */
export function serverEnv({ port, databaseUrl, key, jobs = false, extra = {} }) {
  return {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    PORT: String(port),
    HOSTNAME_BIND: "127.0.0.1",
    DATABASE_URL: databaseUrl,
    AUTH_SECRET: "fault-secret-fault-secret-fault-secret-00",
    TALLY_BOOTSTRAP_API_KEY: key,
    SEED_DEMO: "false",
    JOBS_ENABLED: jobs ? "true" : "false",
    LOG_LEVEL: "warn",
    ...extra,
  };
}

/**
 * Starts `server/serve.mjs` (the production build) on 127.0.0.1:`port` with `env`, its output
 * appended to `logFile`, and waits until `/api/health` answers 200: returns the child process.
 */
export async function startServer({ port, env, logFile, name = "the server", readyMs = 120_000 }) {
  if (!(await portFree(port))) throw new Error(`port ${port} is in use: pick another`);
  const out = fs.openSync(logFile, "a");
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, path.join("server", "serve.mjs")], {
    env,
    stdio: ["ignore", out, out],
  });
  const started = now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}; see ${logFile}`);
    const r = await request(`http://127.0.0.1:${port}/api/health`, { timeoutMs: 2000 });
    if (r.status === 200) return child;
    if (now() - started > readyMs) throw new Error(`${name} was not ready in ${readyMs / 1000} s`);
    await sleep(300);
  }
}

/** SIGTERM, then SIGKILL if the process has not exited within 5 s. */
export async function stopServer(child) {
  if (!child || child.exitCode !== null) return;
  child.kill("SIGTERM");
  const exited = await Promise.race([
    new Promise((res) => child.once("exit", () => res(true))),
    sleep(5000).then(() => false),
  ]);
  if (!exited) child.kill("SIGKILL");
}

/** Sets `figures.verdict` from `failures`, prints the figures as JSON on stdout, and returns the exit code. */
export function report(figures, failures) {
  figures.verdict = failures.length ? { ok: false, failures } : { ok: true };
  console.log(JSON.stringify(figures, null, 2));
  return failures.length ? 1 : 0;
}

/**
 * Runs `main` (which returns the exit code) and always `cleanup` afterwards — also on SIGINT or
 * SIGTERM, and when `hardStopMs` passes first — then exits.
 */
export async function run(main, { cleanup, hardStopMs }) {
  let code = 1;
  for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => void cleanup().then(() => process.exit(130)));
  const hardStop = setTimeout(() => {
    say(`hard deadline (${Math.round(hardStopMs / 1000)} s) reached: stopping`);
    void cleanup().then(() => process.exit(3));
  }, hardStopMs);
  try {
    code = await main();
  } catch (e) {
    console.error(e);
  } finally {
    clearTimeout(hardStop);
    await cleanup();
  }
  process.exit(code);
}
