// The TypeScript benchmarks' side of the one launcher (bench/support/server.mjs), with a JSON helper.
import { BENCH_KEY, send } from "../support/server.mjs";

export { BENCH_KEY, send, startServer, type Answer, type BenchServer } from "../support/server.mjs";

export async function api<T = unknown>(server: { url: string }, method: string, p: string, body?: unknown): Promise<T> {
  const res = await send(`${server.url}${p}`, {
    method,
    headers: { authorization: `Bearer ${BENCH_KEY}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = res.text;
  if (!res.ok) throw new Error(`${method} ${p} → ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/** The two meters the rollup-based benches price: API calls (counted) and LLM tokens (summed, by model). */
export async function createCallAndTokenMeters(server: { url: string }): Promise<void> {
  await api(server, "POST", "/api/v1/meters", {
    code: "api_calls",
    name: "API calls",
    event_name: "api_call",
    aggregation: "count",
  });
  await api(server, "POST", "/api/v1/meters", {
    code: "llm_tokens",
    name: "LLM tokens",
    event_name: "llm_call",
    aggregation: "sum",
    property: "tokens",
    group_by: ["model"],
  });
}
