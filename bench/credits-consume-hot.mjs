// Consume over HTTP with 64 concurrent clients all on one hot customer: every spend serializes on
// that customer's balance row. Then the ledger invariants and the staleness of what callers saw.
//   node bench/credits-consume-hot.mjs [--seconds 10] [--warmup 2] [--clients 64] [--port 3123] [--pool 20] [--auto-top-up N]
// (--auto-top-up N: auto top-up on below N credits, never crossed: the crossing trigger's cost on every spend.)
// Target (issue 5): ≥ 500 consumes/s with zero invariant violations, no stale balance.
import { consumeBench } from "./credits-harness.mjs";

const ok = await consumeBench("hot", { customers: 1 });
process.exit(ok ? 0 : 1);
