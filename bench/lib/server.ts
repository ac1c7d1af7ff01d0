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
