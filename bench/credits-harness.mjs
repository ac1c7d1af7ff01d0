// Shared by the credits benchmarks: a production server on a fresh Postgres database, customers
// with credits, closed-loop HTTP load from this (second) process over loopback, and the checks run
// on the database afterwards (invariants, and whether every balance a caller saw was exact).
import { randomUUID } from "node:crypto";
import {
  backendCpuSeconds,
  BENCH_KEY,
  connect,
  cpuSeconds,
  dropDatabase,
  send,
  startServer as launch,
} from "./support/server.mjs";

export function args(defaults) {
  const out = { ...defaults };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) continue;
    const k = a.slice(2).replace(/-/g, "_");
    const v = argv[i + 1] && !argv[i + 1].startsWith("--") ? argv[++i] : "true";
    out[k] = typeof defaults[k] === "number" ? Number(v) : v;
  }
  return out;
}

/** A fresh database and a production server on it (bench/support/server.mjs), with a SQL handle. */
export async function startServer({ port, poolSize }) {
  const name = `tally_bench_credits_${Date.now().toString(36)}`;
  const server = await launch(name, { port, env: { DATABASE_POOL_SIZE: String(poolSize) } });
  const sql = connect(server.databaseUrl, { max: 2 });
  const stop = async () => {
    await server.stop();
    await sql.end({ timeout: 5 });
    await dropDatabase(name);
  };
  return { url: server.url, key: BENCH_KEY, sql, stop, database: name, pid: server.pid };
}

export async function api(url, key, method, p, body, headers = {}) {
  const res = await send(`${url}${p}`, {
    method,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: res.text ? JSON.parse(res.text) : null };
}

/** `n` customers, each granted `credits` purchased credits, and a credit event to spend. */
export async function setup({ url, key, sql }, n, credits) {
  await sql`insert into credit_events (id, code, name, credits) values ('cev_bench', 'bench_call', 'Benchmark call', 1) on conflict do nothing`;
  const ids = [];
  for (let i = 0; i < n; i++) {
    const c = await api(url, key, "POST", "/api/v1/customers", { name: `Bench ${i}`, external_id: `bench-${i}` });
    if (c.status !== 201) throw new Error(`customer: ${c.status} ${JSON.stringify(c.json)}`);
    const g = await api(url, key, "POST", "/api/v1/credits/grants", {
      customer_id: c.json.id,
      amount: credits,
      source: "purchased",
      reason: "benchmark",
      idempotency_key: `bench-${i}`,
    });
    if (g.status !== 201) throw new Error(`grant: ${g.status} ${JSON.stringify(g.json)}`);
    ids.push(c.json.id);
  }
  return ids;
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/**
 * Closed-loop load: `clients` loops, each sending one request and the next when it returns, for
 * `seconds`. `request(i)` returns {method, path, body, headers}; `onResponse` sees each answer.
 */
export async function load({ url, key }, { clients, seconds, request, onResponse }) {
  const latencies = [];
  const statuses = {};
  const deadline = performance.now() + seconds * 1000;
  let n = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      while (performance.now() < deadline) {
        const r = request(n++, c);
        const t = performance.now();
        let res;
        try {
          res = await api(url, key, r.method, r.path, r.body, r.headers);
        } catch {
          statuses.network = (statuses.network ?? 0) + 1;
          continue;
        }
        latencies.push(performance.now() - t);
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        onResponse?.(res, r);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const ok = Object.entries(statuses)
    .filter(([s]) => s.startsWith("2"))
    .reduce((s, [, v]) => s + v, 0);
  return {
    requests: latencies.length,
    ok,
    per_s: Math.round(ok / elapsed),
    p50_ms: +pct(latencies, 50).toFixed(1),
    p95_ms: +pct(latencies, 95).toFixed(1),
    p99_ms: +pct(latencies, 99).toFixed(1),
    max_ms: +(latencies.at(-1) ?? 0).toFixed(1),
    statuses,
    seconds: +elapsed.toFixed(1),
  };
}

/** The ledger invariants (the same as lib/credits/invariants.ts), as one count per invariant. */
export async function invariantViolations(sql) {
  const [r] = await sql`
    select
      (select count(*) from credit_balances b left join (select org_id, sum(amount) t from credit_ledger group by org_id) l on l.org_id = b.org_id
        left join credit_ledger n on n.org_id = b.org_id and n.seq = b.last_seq
        where b.balance <> coalesce(l.t, 0) or b.balance <> coalesce(n.balance_after, 0))::int as balance_vs_ledger,
      (select count(*) from credit_balances b left join (select org_id, sum(remaining) t from credit_grants group by org_id) g on g.org_id = b.org_id
        where b.balance <> coalesce(g.t, 0) - b.held - b.overage or coalesce(g.t, 0) - b.held < 0)::int as balance_vs_buckets,
      (select count(*) from credit_balances b left join (select org_id, sum(credits) t from credit_reservations where status = 'active' group by org_id) r on r.org_id = b.org_id
        where b.held <> coalesce(r.t, 0))::int as held_vs_holds,
      (select count(*) from credit_grants g left join (select org_id, bucket_id, sum(bucket_delta) t from credit_ledger where bucket_id is not null group by 1, 2) l
        on l.org_id = g.org_id and l.bucket_id = g.id where g.remaining <> coalesce(l.t, 0) or g.remaining < 0)::int as bucket_vs_ledger,
      (select count(*) from (select balance_after, amount, lag(balance_after, 1, 0::bigint) over (partition by org_id order by seq) prev from credit_ledger) c
        where prev + amount <> balance_after)::int as broken_chain,
      (select count(*) from (select 1 from credit_ledger where kind = 'consume' and idempotency_key is not null group by org_id, idempotency_key having count(distinct operation_id) > 1) d)::int as key_applied_twice`;
  return r;
}

/**
 * Staleness of what callers saw. For every consume answer: does its balance_after equal the
 * ledger's balance_after for that spend? For every read taken right after a spend returned: does
 * it reflect that spend (or a later movement), and equal the ledger at the row it names?
 */
export async function staleness(sql, consumes, reads) {
  let consumeMismatch = 0;
  for (let i = 0; i < consumes.length; i += 5000) {
    const chunk = consumes.slice(i, i + 5000);
    const found = await sql`
      select distinct on (operation_id) operation_id, balance_after::bigint::text as b from credit_ledger
      where kind = 'consume' and operation_id in ${sql(chunk.map((c) => c.id))} order by operation_id, seq desc`;
    const byOp = new Map(found.map((f) => [f.operation_id, Number(f.b)]));
    for (const c of chunk) if (byOp.get(c.id) !== c.balance_after) consumeMismatch++;
  }
  let readBehind = 0;
  let readMismatch = 0;
  for (const r of reads) {
    const [row] = await sql`
      select (select max(seq) from credit_ledger where org_id = ${r.orgId} and operation_id = ${r.afterOperation})::text as spend_seq,
             (select seq from credit_ledger where org_id = ${r.orgId} and id = ${r.lastTransactionId})::text as read_seq,
             (select balance_after from credit_ledger where org_id = ${r.orgId} and id = ${r.lastTransactionId})::text as read_balance`;
    if (!row.read_seq || Number(row.read_seq) < Number(row.spend_seq)) readBehind++;
    if (Number(row.read_balance) !== r.balance) readMismatch++;
  }
  return {
    consume_answers_checked: consumes.length,
    consume_balance_mismatches: consumeMismatch,
    reads_checked: reads.length,
    reads_behind_a_returned_spend: readBehind,
    reads_not_matching_ledger: readMismatch,
  };
}

/** A reader that, during the load, spends one credit and at once reads the balance back. */
export async function readYourWrites({ url, key }, { orgId, seconds }) {
  const reads = [];
  const deadline = performance.now() + seconds * 1000;
  while (performance.now() < deadline) {
    const c = await api(
      url,
      key,
      "POST",
      "/api/v1/credits/consume",
      { customer_id: orgId, event_name: "bench_call", quantity: 1 },
      { "idempotency-key": randomUUID() },
    );
    if (c.status !== 200) continue;
    const r = await api(url, key, "GET", `/api/v1/credits?customer_id=${orgId}`);
    if (r.status === 200)
      reads.push({
        orgId,
        afterOperation: c.json.id,
        lastTransactionId: r.json.last_transaction_id,
        balance: r.json.balance,
      });
  }
  return reads;
}

/** The consume benchmark: `customers` customers (1 = one hot customer), load, then the checks. */
export async function consumeBench(label, defaults) {
  const o = args({ seconds: 10, warmup: 2, clients: 64, port: 3123, pool: 20, auto_top_up: 0, ...defaults });
  const server = await startServer({ port: o.port, poolSize: o.pool });
  try {
    const ids = await setup(server, o.customers, 1_000_000_000_000);
    // --auto-top-up N: every customer has auto top-up on below N credits (the threshold its crossing
    // trigger reads, set as the settings page mirrors it), never crossed here: what being configured
    // costs every spend. 0: off.
    if (o.auto_top_up > 0) await server.sql`update credit_balances set auto_top_up_below = ${o.auto_top_up}`;
    const pick = (i) => ids[i % ids.length];
    const consumeRequest = (i) => ({
      method: "POST",
      path: "/api/v1/credits/consume",
      body: { customer_id: pick(i), event_name: "bench_call", quantity: 1 + (i % 3), idempotency_key: randomUUID() },
    });
    // Baseline in the same run: an authenticated read of the same customers' balances.
    const baseline = await load(server, {
      clients: o.clients,
      seconds: Math.min(o.seconds, 5),
      request: (i) => ({ method: "GET", path: `/api/v1/credits?customer_id=${pick(i)}` }),
    });
    await load(server, { clients: o.clients, seconds: o.warmup, request: consumeRequest });
    const answers = [];
    const cpu0 = {
      server: cpuSeconds(server.pid),
      pg: await backendCpuSeconds(server.sql, server.database),
      client: process.cpuUsage(),
    };
    const [result, reads] = await Promise.all([
      load(server, {
        clients: o.clients,
        seconds: o.seconds,
        request: consumeRequest,
        onResponse: (res) => {
          if (res.status === 200) answers.push({ id: res.json.id, balance_after: res.json.balance_after });
        },
      }),
      readYourWrites(server, { orgId: ids[0], seconds: o.seconds }),
    ]);
    const client = process.cpuUsage(cpu0.client);
    // CPU per consume (the read-back reader's few requests included): where the machine's two cores went.
    const per = (sec) => Math.round((sec / Math.max(1, result.ok)) * 1e6);
    result.cpu_us_per_consume = {
      server: per(cpuSeconds(server.pid) - cpu0.server),
      postgres: per((await backendCpuSeconds(server.sql, server.database)) - cpu0.pg),
      load_generator: per((client.user + client.system) / 1e6),
    };
    const invariants = await invariantViolations(server.sql);
    const stale = await staleness(server.sql, answers, reads);
    const violations = Object.values(invariants).reduce((s, v) => s + Number(v), 0);
    console.log(
      `\ncredits consume benchmark — ${label}${o.auto_top_up > 0 ? `, auto top-up below ${o.auto_top_up}` : ""}: ${o.clients} clients, ${o.customers} customer${o.customers === 1 ? "" : "s"}, ${o.seconds}s (after ${o.warmup}s warm-up), pool ${o.pool}, node ${process.version}`,
    );
    console.log(
      `  consume   ${String(result.per_s).padStart(6)} /s   p50 ${result.p50_ms} ms   p95 ${result.p95_ms} ms   p99 ${result.p99_ms} ms   max ${result.max_ms} ms   statuses ${JSON.stringify(result.statuses)}`,
    );
    console.log(`  CPU per consume (µs): ${JSON.stringify(result.cpu_us_per_consume)}`);
    console.log(
      `  baseline  ${String(baseline.per_s).padStart(6)} /s   p50 ${baseline.p50_ms} ms   p99 ${baseline.p99_ms} ms   (GET /api/v1/credits, same clients)   consume/baseline ${(result.per_s / Math.max(1, baseline.per_s)).toFixed(2)}`,
    );
    console.log(`  invariants: ${violations} violations ${JSON.stringify(invariants)}`);
    console.log(`  staleness: ${JSON.stringify(stale)}`);
    console.log(
      JSON.stringify({
        bench: `credits-consume-${label}`,
        auto_top_up_below: o.auto_top_up || null,
        clients: o.clients,
        customers: o.customers,
        seconds: o.seconds,
        consume: result,
        baseline,
        invariant_violations: violations,
        staleness: stale,
      }),
    );
    return (
      violations === 0 &&
      stale.consume_balance_mismatches === 0 &&
      stale.reads_behind_a_returned_spend === 0 &&
      stale.reads_not_matching_ledger === 0
    );
  } finally {
    await server.stop();
  }
}
