// Time from `npm start` to the first page served, on a fresh embedded database (migrations + demo
// seed included). `--cold` deletes the build first, so the figure includes `next build`.
//   node bench/startup.mjs [--cold]
import { spawn } from "node:child_process";
import fs from "node:fs";

const cold = process.argv.includes("--cold");
const port = "3299";
const dataDir = ".data-bench-startup";
fs.rmSync(dataDir, { recursive: true, force: true });
if (cold) fs.rmSync(".next", { recursive: true, force: true });

const started = performance.now();
const child = spawn(process.execPath, ["scripts/start.mjs"], {
  env: { ...process.env, PORT: port, TALLY_DATA_DIR: dataDir, LOG_LEVEL: "warn", DATABASE_URL: "" },
  stdio: ["ignore", "pipe", "pipe"],
  detached: true,
});
let firstByte = null;
for (;;) {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/sign-in`);
    if (res.status === 200) {
      await res.text();
      firstByte = performance.now();
      break;
    }
  } catch {}
  if (performance.now() - started > 300_000) break;
  await new Promise((r) => setTimeout(r, 100));
}
process.kill(-child.pid, "SIGTERM");
fs.rmSync(dataDir, { recursive: true, force: true });
if (firstByte === null) {
  console.log("no page within 300 s");
  process.exit(1);
}
console.log(
  JSON.stringify({ bench: "startup", cold, seconds_to_first_page: Math.round((firstByte - started) / 100) / 10 }),
);
