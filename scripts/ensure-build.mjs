// Builds the app when there is no production build yet or a source file is newer than it.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const ROOTS = [
  "app",
  "components",
  "lib",
  "server",
  "public",
  "drizzle",
  "proxy.ts",
  "instrumentation.ts",
  "next.config.ts",
  "package-lock.json",
  "postcss.config.mjs",
];

function newestMtime(p) {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

export function ensureBuild({ force = false } = {}) {
  const buildId = path.join(".next", "BUILD_ID");
  const built = fs.existsSync(buildId) ? fs.statSync(buildId).mtimeMs : 0;
  const sources = Math.max(...ROOTS.map(newestMtime));
  if (!force && built && built >= sources) return false;
  console.log(built ? "Sources changed since the last build: building Tally…" : "Building Tally (first start only)…");
  const started = Date.now();
  const r = spawnSync(process.execPath, [path.join("node_modules", "next", "dist", "bin", "next"), "build"], {
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
  });
  if (r.status !== 0) {
    console.error("The build failed; see the output above.");
    process.exit(r.status ?? 1);
  }
  const f = spawnSync(process.execPath, [path.join("scripts", "build-fast-path.mjs")], { stdio: "inherit" });
  if (f.status !== 0) {
    console.error("Bundling the fast API routes failed; see the output above.");
    process.exit(f.status ?? 1);
  }
  console.log(`Built in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) ensureBuild({ force: process.argv.includes("--force") });
