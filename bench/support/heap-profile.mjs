// Sums a V8 sampling heap profile (.heapprofile, e.g. server/serve.mjs's TALLY_HEAP_SAMPLE_FILE) by
// allocating function, self and inclusive, largest first.
//   node bench/support/heap-profile.mjs <file> [top=30] [pattern: only frames whose url matches]
import fs from "node:fs";

const [file, topArg, pattern] = process.argv.slice(2);
const top = Number(topArg ?? 30);
const { head } = JSON.parse(fs.readFileSync(file, "utf8"));
const self = new Map();
const incl = new Map();
let total = 0;
const key = (f) =>
  `${f.functionName || "(anonymous)"} ${f.url.replace(/^.*\/(node_modules|\.next)\//, "$1/")}:${f.lineNumber}`;
function walk(node, stack) {
  const k = key(node.callFrame);
  const size = node.selfSize;
  total += size;
  self.set(k, (self.get(k) ?? 0) + size);
  const seen = new Set(stack);
  for (const s of seen) incl.set(s, (incl.get(s) ?? 0) + size);
  if (!seen.has(k)) incl.set(k, (incl.get(k) ?? 0) + size);
  const next = [...stack, k];
  for (const c of node.children) walk(c, next);
}
walk(head, []);
// inclusive double-counts a frame's own size when it is on the stack; good enough to rank
const mb = (b) => (b / 1048576).toFixed(1).padStart(8);
const show = (m, title) => {
  console.log(`\n${title} (MB sampled, of ${mb(total).trim()} MB)`);
  for (const [k, v] of [...m]
    .filter(([k]) => !pattern || k.includes(pattern))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top))
    console.log(`${mb(v)}  ${k}`);
};
show(self, "self");
show(incl, "inclusive");
