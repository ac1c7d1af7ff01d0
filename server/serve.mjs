// Tally's production server: Node's HTTP server in front of Next.js. The hot API routes
// (server/fast-routes.ts, bundled to .next/fast-path.mjs at build) are answered directly; every
// other request — pages, actions, the rest of the API — goes to Next's request handler.
import "./native-date.mjs";
import http from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import next from "next";

const port = Number(process.env.PORT || 3000);
// lib/env.ts reads the same variable: a loopback-only bind opens /api/metrics without a token (lib/ops/metrics-access.ts).
const hostname = process.env.HOSTNAME_BIND || "0.0.0.0";
process.env.NODE_ENV = "production";

const app = next({ dev: false, dir: process.cwd(), hostname, port });
const handle = app.getRequestHandler();
await app.prepare();
const fast = await import(pathToFileURL(path.resolve(".next/fast-path.mjs")).href);
// Start-up (migrations, seed, jobs) runs once per process, shared with Next's instrumentation hook.
await fast.boot();

async function serveFast(route, req, res) {
  try {
    await fast.serveNode(route, req, res);
  } catch (err) {
    console.error(JSON.stringify({ level: "error", msg: "fast route failed", err: String(err?.stack ?? err) }));
    if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { code: "internal_error", message: "Something went wrong on our side." } }));
  }
}

// The socket's address reaches handlers (the sign-in throttle, lib/auth/client-ip.ts) only as this
// header, overwritten on every request so a client's own value never survives; the flag tells them
// the header can be believed.
globalThis.__tallyPeerStamped = true;

const server = http.createServer((req, res) => {
  req.headers["x-tally-peer"] = req.socket.remoteAddress ?? "";
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const pathname = q === -1 ? url : url.slice(0, q);
  // A fast route, or a 400 for what Next would answer with a 500 (fast.refusal), or Next.
  const route = fast.match(req.method ?? "GET", pathname) ?? fast.refusal(req, pathname);
  if (route) void serveFast(route, req, res);
  else void handle(req, res);
});
server.keepAliveTimeout = 65_000;
server.listen(port, hostname, () =>
  console.log(`▲ Tally ready on http://${hostname === "0.0.0.0" ? "localhost" : hostname}:${port}`),
);
// Debug instrument (benchmarks): with TALLY_LOOP_DELAY_FILE set, the event loop's delay is sampled
// every millisecond; SIGUSR2 writes what was seen since the last signal (p50/p99/max in ms, the
// longest the loop was held without turning) to that file as one JSON line, and starts afresh.
const loopDelayFile = process.env.TALLY_LOOP_DELAY_FILE;
if (loopDelayFile) {
  const { monitorEventLoopDelay, PerformanceObserver } = await import("node:perf_hooks");
  const fs = await import("node:fs");
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const r2 = (v) => Math.round(v * 100) / 100;
  // Garbage collections in the same window: how many, their total and longest pause, by kind
  // (scavenge: the young generation; mark-compact: the whole heap).
  const KINDS = { 1: "scavenge", 2: "mark_compact", 4: "incremental", 8: "weak_callbacks" };
  let gc = { n: 0, ms: 0, max: 0, kinds: {} };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gc.n++;
      gc.ms += e.duration;
      gc.max = Math.max(gc.max, e.duration);
      const k = KINDS[e.detail?.kind] ?? String(e.detail?.kind);
      const g = (gc.kinds[k] ??= { count: 0, total_ms: 0, max_ms: 0 });
      g.count++;
      g.total_ms = r2(g.total_ms + e.duration);
      g.max_ms = r2(Math.max(g.max_ms, e.duration));
    }
  }).observe({ entryTypes: ["gc"] });
  const ms = (ns) => Math.round(ns / 1e4) / 100;
  process.on("SIGUSR2", () => {
    const line = { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max), samples: h.count };
    line.gc = { count: gc.n, total_ms: r2(gc.ms), max_ms: r2(gc.max), kinds: gc.kinds };
    fs.appendFileSync(loopDelayFile, `${JSON.stringify(line)}\n`);
    h.reset();
    gc = { n: 0, ms: 0, max: 0, kinds: {} };
  });
}
// Debug instrument: with TALLY_HEAP_SAMPLE_FILE set, V8's sampling heap profiler records where the
// objects that outlive a scavenge are allocated (those a minor GC frees are left out, those a
// mark-compact frees kept: what the young generation copies and promotes); written at shutdown as
// a .heapprofile (bench/support/heap-profile.mjs sums it by function). TALLY_HEAP_SAMPLE_ALL=1 keeps
// every allocation instead (what fills the young generation, and how often it is collected).
const heapSampleFile = process.env.TALLY_HEAP_SAMPLE_FILE;
let writeHeapSample = async () => {};
if (heapSampleFile) {
  const { Session } = await import("node:inspector/promises");
  const fs = await import("node:fs");
  const session = new Session();
  session.connect();
  await session.post("HeapProfiler.startSampling", {
    samplingInterval: 16384,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: process.env.TALLY_HEAP_SAMPLE_ALL === "1",
  });
  writeHeapSample = async () => {
    const { profile } = await session.post("HeapProfiler.stopSampling");
    fs.writeFileSync(heapSampleFile, JSON.stringify(profile));
  };
}
for (const sig of ["SIGINT", "SIGTERM"])
  process.on(sig, () => void writeHeapSample().finally(() => server.close(() => process.exit(0))));
