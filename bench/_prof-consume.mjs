import { randomUUID } from "node:crypto";
import { load, setup, startServer } from "./credits-harness.mjs";
const server = await startServer({ port: 3124, poolSize: 20 });
try {
  const ids = await setup(server, 100, 1_000_000_000);
  const r = await load(server, { clients: 64, seconds: 10, request: (i) => ({ method: "POST", path: "/api/v1/credits/consume", body: { customer_id: ids[i % 100], event_name: "bench_call", quantity: 1, idempotency_key: randomUUID() } }) });
  console.log(JSON.stringify(r));
} finally { await server.stop(); }
