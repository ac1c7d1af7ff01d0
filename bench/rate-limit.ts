// What a key's rate limit adds to every request route() serves for an API key (the entitlement
// check included): admitKeyRequest — the key's bucket in memory, the replica count, the headers.
// Measured in-process over many keys (one hot, the rest spread), per call: mean, p50, p99, max.
//
//   node --conditions=react-server --import tsx bench/rate-limit.ts [calls=1000000] [keys=10000]
import { performance } from "node:perf_hooks";
import { admitKeyRequest } from "@/lib/rate-limits/key-rate-limit";

const calls = Number(process.argv[2] ?? 1_000_000);
const keyCount = Number(process.argv[3] ?? 10_000);
const limit = { perSecond: 100_000, burst: 200_000 };
const keys = Array.from({ length: keyCount }, (_, i) => `key_${i}`);

const samples = new Float64Array(Math.min(calls, 200_000));
let refused = 0;
const started = performance.now();
for (let i = 0; i < calls; i++) {
  // Half the calls on one hot key, half spread over the others.
  const key = i % 2 === 0 ? keys[0]! : keys[i % keyCount]!;
  const t0 = performance.now();
  try {
    admitKeyRequest(key, limit);
  } catch {
    refused++;
  }
  if (i < samples.length) samples[i] = performance.now() - t0;
}
const total = performance.now() - started;
const sorted = [...samples].sort((a, b) => a - b);
const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const us = (ms: number) => `${(ms * 1000).toFixed(2)} µs`;
console.log(
  `${calls.toLocaleString("en-US")} calls over ${keyCount.toLocaleString("en-US")} keys: ` +
    `mean ${us(total / calls)}, p50 ${us(at(0.5))}, p99 ${us(at(0.99))}, max ${us(sorted.at(-1)!)} ` +
    `(${refused} refused); ${Math.round(calls / (total / 1000)).toLocaleString("en-US")} calls/s`,
);
