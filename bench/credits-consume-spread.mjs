// Consume over HTTP with 64 concurrent clients spread over 100 customers, on real Postgres with a
// production server; then the ledger invariants and the staleness of every balance callers saw.
//   node bench/credits-consume-spread.mjs [--seconds 10] [--warmup 2] [--clients 64] [--customers 100] [--port 3123] [--pool 20]
// Postgres: BENCH_DATABASE_URL, TEST_DATABASE_URL or DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).
// Target (issue 5): ≥ 2,000 consumes/s, p99 < 50 ms, no stale balance.
import { consumeBench } from "./credits-harness.mjs";

const ok = await consumeBench("spread", { customers: 100 });
process.exit(ok ? 0 : 1);
