// Reads a server CPU profile (BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"):
// samples per function, inclusive (on the stack), for the functions matching a pattern.
//   node bench/support/cpu-profile.mjs /tmp/prof/CPU….cpuprofile "fast-path|garbage" 40
import fs from "node:fs";

const prof = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const pattern = new RegExp(process.argv[3] ?? ".");
const top = Number(process.argv[4] ?? 40);
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const name = (n) =>
  `${n.callFrame.functionName || "(anonymous)"}@${(n.callFrame.url || "").split("/").at(-1)}:${n.callFrame.lineNumber}`;
const inclusive = new Map();
let idle = 0;
for (const s of prof.samples) {
  if (byId.get(s).callFrame.functionName === "(idle)") {
    idle++;
    continue;
  }
  const seen = new Set();
  for (let id = s; id !== undefined; id = parent.get(id)) {
    const k = name(byId.get(id));
    if (seen.has(k)) continue;
    seen.add(k);
    inclusive.set(k, (inclusive.get(k) ?? 0) + 1);
  }
}
console.log(`${prof.samples.length} samples, ${idle} idle`);
for (const [k, v] of [...inclusive]
  .filter(([k]) => pattern.test(k))
  .sort((a, b) => b[1] - a[1])
  .slice(0, top))
  console.log(v, k);
