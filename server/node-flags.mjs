// Node flags for the server process, wherever it is started (npm start, npm run serve, the e2e
// server, the benchmarks). A larger young generation: under bulk ingest the server allocates a few
// megabytes per request (parsed bodies, statement text) that die young, and with V8's default
// 16 MB semi-spaces the scavenger ran often enough to take a sixth of the server's CPU; at 64 MB it
// takes a few percent, for ~150 MB more resident memory under load (docs/benchmarks.md).
export const SERVER_NODE_FLAGS = ["--max-semi-space-size=64"];
