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
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => server.close(() => process.exit(0)));
