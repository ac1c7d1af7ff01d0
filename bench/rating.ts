// Rating throughput: a five-charge plan (graduated with 4 tiers, volume, package, per_unit, fixed)
// rated over random quantities, in-process. Run: npx tsx bench/rating.ts [seconds] (default 5).
// Prints a table per mode and a final JSON line with the figures.
//
// Modes: "explain" builds the parts of every line (what an invoice shows); "no-explain" passes
// { explain: false } (what a billing run needs when it only stores amounts). Both reuse the charge
// objects across plans, as a billing run that holds a plan version's charges does. "fresh
// charges" parses the plan's charges from JSON for every plan, as reading them from a jsonb column
// per subscription would: it pays for JSON.parse and the content-cache lookup (compile-charge.ts),
// not for validation, which happens once per distinct charge.
import { ratePlan, type Charge, type Quantity, type RateOptions } from "../lib/rating/index";

const seconds = Number(process.argv[2] ?? 5);
const N = 10_000; // distinct usage records, cycled

const charges: Charge[] = [
  {
    type: "usage",
    meter: "api_calls",
    model: "graduated",
    tiers: [
      { up_to: 1_000, unit_price: "0" },
      { up_to: 10_000, unit_price: "0.01" },
      { up_to: 100_000, unit_price: "0.005", flat_amount: "10" },
      { up_to: null, unit_price: "0.0025" },
    ],
  },
  {
    type: "usage",
    meter: "storage_gb",
    model: "volume",
    tiers: [
      { up_to: 100, unit_price: "0.25" },
      { up_to: 1_000, unit_price: "0.2", flat_amount: "5" },
      { up_to: null, unit_price: "0.15" },
    ],
  },
  {
    type: "usage",
    meter: "sms",
    model: "package",
    package_size: 1_000,
    package_price: "8.50",
    included_quantity: "500",
  },
  { type: "usage", meter: "voice_minutes", model: "per_unit", unit_price: "0.0125" },
  { type: "fixed", name: "Platform fee", amount: "49.00" },
];

const chargesJson = JSON.stringify(charges);

// Deterministic pseudo-random quantities (mulberry32), a mix of whole and fractional values.
let seed = 0x5eed;
function random(): number {
  seed |= 0;
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (max: number) => String(Math.floor(random() * max));
const usages: Record<string, Quantity>[] = Array.from({ length: N }, () => ({
  api_calls: int(250_000),
  storage_gb: `${int(2_000)}.${int(100)}`,
  sms: int(5_000),
  voice_minutes: `${int(10_000)}.${int(10)}`,
}));

type Result = {
  mode: string;
  plans: number;
  seconds: number;
  plans_per_s: number;
  lines_per_s: number;
  us_per_plan: number;
};

function run(mode: string, options: RateOptions, cold: boolean, budgetSeconds: number): Result {
  const planFor = cold ? () => JSON.parse(chargesJson) as Charge[] : () => charges;
  let sink = 0;
  const batch = 1_000;
  let plans = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(budgetSeconds * 1e9));
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < batch; i++) {
      const total = ratePlan(planFor(), usages[(plans + i) % N]!, "usd", options);
      sink += total.amount_minor;
    }
    plans += batch;
    now = process.hrtime.bigint();
  }
  const elapsed = Number(now - start) / 1e9;
  if (sink < 0) console.log(sink); // keeps the work observable
  const plansPerS = plans / elapsed;
  return {
    mode: cold ? `${mode}, fresh charges` : mode,
    plans,
    seconds: Number(elapsed.toFixed(2)),
    plans_per_s: Math.round(plansPerS),
    lines_per_s: Math.round(plansPerS * charges.length),
    us_per_plan: Number((1e6 / plansPerS).toFixed(3)),
  };
}

// Sanity: the figures are for correct results.
const check = ratePlan(charges, { api_calls: "12000", storage_gb: "1000.5", sms: "1501", voice_minutes: "10" }, "usd");
// 110 (0 + 90 + 2,000 × 0.005 + 10 flat) + 150.075 (1,000.5 × 0.15) + 17 (2 packages) + 0.125 + 49
if (check.amount !== "326.2")
  throw new Error(`unexpected plan total ${check.amount}: ${JSON.stringify(check.lines.map((l) => l.amount))}`);

// Warm-up: let the JIT settle on the hot path before timing.
run("explain", {}, false, 1);
run("no-explain", { explain: false }, false, 1);
run("explain", {}, true, 0.5);

const results = [
  run("explain", {}, false, seconds),
  run("no-explain", { explain: false }, false, seconds),
  run("explain", {}, true, Math.min(seconds, 2)),
];

console.log(
  `rating benchmark: ${charges.length} charges per plan (graduated ×4 tiers, volume, package, per_unit, fixed), ${N} usage records, ${seconds}s per mode, node ${process.version}`,
);
for (const r of results) {
  console.log(
    `${r.mode.padEnd(24)} ${String(r.lines_per_s.toLocaleString("en-US")).padStart(11)} charges/s  ${String(r.plans_per_s.toLocaleString("en-US")).padStart(10)} plans/s  ${r.us_per_plan.toFixed(3).padStart(8)} µs/plan  (${r.plans} plans in ${r.seconds}s)`,
  );
}
const target = 500_000;
console.log(
  JSON.stringify({
    bench: "rating",
    charges_per_plan: charges.length,
    target_lines_per_s: target,
    meets_target: results[0]!.lines_per_s >= target && results[1]!.lines_per_s >= target,
    results,
  }),
);
