// The floor of this machine for issue 5's spread figure: what a spend costs when nothing but the
// database work is left. A bare node:http server (no Next, no drizzle, no web Request/Response, no
// API-key lookup, no validation) runs, per request, the minimum a spend must do on Postgres:
// BEGIN with the idempotency claim, the balance row lock and the bucket read (one round trip), then
// the bucket update, one ledger row, the stored answer and the balance update with COMMIT (a second
// round trip) — the same two-round-trip transaction Tally sends, with simpler SQL. The load is the
// consume benchmark's own (64 clients over 100 customers, node:http from this process). A plain
// HTTP answer with no database at all is measured first, the same way.
//   node bench/consume-floor.mjs [--seconds 10] [--clients 64] [--customers 100]
// Run after `npm run build` (the real server creates and funds the customers first).
import { spawn } from "node:child_process";
import http from "node:http";
import { randomUUID } from "node:crypto";
import { args, invariantViolations, load, setup, startServer } from "./credits-harness.mjs";
import { backendCpuSeconds, connect, cpuSeconds, pgUrl } from "./support/server.mjs";

if (process.argv[2] === "--serve") {
  const [, , , url, port, mode] = process.argv;
  const sql = connect(url, { max: 20, prepare: true });
  const server = http.createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c) => (body += c));
    req.on("end", async () => {
      if (mode === "http") return res.end('{"ok":true}');
      if (mode === "group") return enqueue(body, res);
      try {
        const b = JSON.parse(body);
        const org = b.customer_id;
        const credits = Number(b.quantity);
        const c = await sql.reserve();
        try {
          const [, claimed, [bal], [state]] = await Promise.all([
            c`begin`.execute(),
            c`insert into idempotency_keys (org_id, scope, key, request_hash, status) values (${org}, 'credits.consume', ${b.idempotency_key}, 'h', 0) on conflict do nothing returning key`.execute(),
            c`select balance, held, last_seq from credit_balances where org_id = ${org} for update`.execute(),
            c`select (select json_agg(g order by g.id) from (select id, remaining from credit_grants where org_id = ${org} and remaining > 0) g) as buckets`.execute(),
          ]);
          if (!claimed.length) throw new Error("replay");
          const bucket = state.buckets[0];
          const after = Number(bal.balance) - credits;
          const id = `led_${randomUUID()}`;
          const answer = JSON.stringify({ id, customer_id: org, credits, balance_after: after });
          const [write] = await Promise.all([
            c`with g as (update credit_grants set remaining = remaining - ${credits} where org_id = ${org} and id = ${bucket.id}),
                   l as (insert into credit_ledger (id, org_id, operation_id, kind, bucket_id, source, amount, bucket_delta, balance_after, held_after, credit_event, quantity, idempotency_key, actor)
                         values (${id}, ${org}, ${id}, 'consume', ${bucket.id}, 'purchased', ${-credits}, ${-credits}, ${after}, ${bal.held}, 'bench_call', ${credits}, ${b.idempotency_key}, 'floor') returning seq),
                   i as (update idempotency_keys set status = 200, response = ${answer}::jsonb where org_id = ${org} and scope = 'credits.consume' and key = ${b.idempotency_key})
              update credit_balances set balance = ${after}, last_seq = (select seq from l), updated_at = now() where org_id = ${org} returning last_seq`.execute(),
            c`commit`.execute(),
          ]);
          res.writeHead(200, { "content-type": "application/json" }).end(answer);
          void write;
        } catch (e) {
          await c`rollback`.catch(() => {});
          res.writeHead(500).end(String(e));
        } finally {
          c.release();
        }
      } catch (e) {
        res.writeHead(400).end(String(e));
      }
    });
  });
  // Group commit: spends that arrive while MAX transactions are in flight wait, then go together —
  // every customer's claim, lock (in id order), read and write in one transaction of two round trips.
  const MAX = Number(process.env.FLOOR_GROUPS ?? 4);
  let inFlight = 0;
  let errorShown = 0;
  const queue = [];
  function enqueue(body, res) {
    let b;
    try {
      b = JSON.parse(body);
    } catch (e) {
      return res.writeHead(400).end(String(e));
    }
    queue.push({ b, res });
    pump();
  }
  function pump() {
    while (inFlight < MAX && queue.length) {
      const group = queue.splice(0, 256);
      inFlight++;
      void runGroup(group).finally(() => {
        inFlight--;
        pump();
      });
    }
  }
  async function runGroup(group) {
    const orgs = [...new Set(group.map((g) => g.b.customer_id))].sort();
    const keys = group.map((g) => ({ org_id: g.b.customer_id, key: g.b.idempotency_key }));
    const c = await sql.reserve();
    try {
      const [, claimed, bals, buckets] = await Promise.all([
        c`begin`.execute(),
        c`insert into idempotency_keys (org_id, scope, key, request_hash, status)
            select org_id, 'credits.consume', key, 'h', 0 from jsonb_to_recordset(${JSON.stringify(keys)}::text::jsonb) as v(org_id text, key text) order by org_id, key
            on conflict do nothing returning org_id, key`.execute(),
        c`select org_id, balance, held from credit_balances where org_id = any(${orgs}::text[]) order by org_id for update`.execute(),
        c`select org_id, json_agg(json_build_object('id', id, 'remaining', remaining) order by id) as buckets from credit_grants where org_id = any(${orgs}::text[]) and remaining > 0 group by org_id`.execute(),
      ]);
      const ok = new Set(claimed.map((r) => r.org_id + "\0" + r.key));
      const balance = new Map(bals.map((r) => [r.org_id, { balance: Number(r.balance), held: Number(r.held) }]));
      const bucketOf = new Map(buckets.map((r) => [r.org_id, r.buckets[0].id]));
      const grants = new Map();
      const ledger = [];
      const answers = [];
      for (const g of group) {
        const org = g.b.customer_id;
        if (!ok.has(org + "\0" + g.b.idempotency_key)) {
          answers.push(null);
          continue;
        }
        const credits = Number(g.b.quantity);
        const bal = balance.get(org);
        bal.balance -= credits;
        const bucket = bucketOf.get(org);
        grants.set(bucket, (grants.get(bucket) ?? 0) + credits);
        const id = `led_${randomUUID()}`;
        const answer = JSON.stringify({ id, customer_id: org, credits, balance_after: bal.balance });
        ledger.push({
          ord: ledger.length,
          id,
          org_id: org,
          bucket_id: bucket,
          amount: -credits,
          balance_after: bal.balance,
          held_after: bal.held,
          quantity: credits,
          key: g.b.idempotency_key,
          answer,
        });
        answers.push(answer);
      }
      const grantRows = [...grants].map(([id, spent]) => ({ id, spent }));
      const balRows = orgs.map((org) => ({ org_id: org, balance: balance.get(org).balance }));
      await Promise.all([
        c`with g as (update credit_grants set remaining = remaining - v.spent from jsonb_to_recordset(${JSON.stringify(grantRows)}::text::jsonb) as v(id text, spent bigint) where credit_grants.id = v.id),
               v as (select * from jsonb_to_recordset(${JSON.stringify(ledger)}::text::jsonb) as v(ord int, id text, org_id text, bucket_id text, amount bigint, balance_after bigint, held_after bigint, quantity numeric, key text, answer jsonb)),
               l as (insert into credit_ledger (id, org_id, operation_id, kind, bucket_id, source, amount, bucket_delta, balance_after, held_after, credit_event, quantity, idempotency_key, actor)
                     select id, org_id, id, 'consume', bucket_id, 'purchased', amount, amount, balance_after, held_after, 'bench_call', quantity, key, 'floor' from v order by ord returning org_id, seq),
               i as (update idempotency_keys k set status = 200, response = v.answer from v where k.org_id = v.org_id and k.scope = 'credits.consume' and k.key = v.key)
          update credit_balances b set balance = v.balance, last_seq = (select max(seq) from l where l.org_id = b.org_id), updated_at = now()
            from jsonb_to_recordset(${JSON.stringify(balRows)}::text::jsonb) as v(org_id text, balance bigint) where b.org_id = v.org_id`.execute(),
        c`commit`.execute(),
      ]);
      group.forEach((g, i) =>
        answers[i]
          ? g.res.writeHead(200, { "content-type": "application/json" }).end(answers[i])
          : g.res.writeHead(409).end("replay"),
      );
    } catch (e) {
      await c`rollback`.catch(() => {});
      if (!errorShown++) console.error("group failed:", String(e));
      for (const g of group) g.res.writeHead(500).end(JSON.stringify({ error: String(e) }));
    } finally {
      c.release();
    }
  }
  server.keepAliveTimeout = 65_000;
  server.listen(Number(port), "127.0.0.1", () => process.send?.("ready"));
} else {
  const o = args({ seconds: 10, clients: 64, customers: 100, port: 3124 });
  const real = await startServer({ port: o.port, poolSize: 20 });
  let ids;
  try {
    ids = await setup(real, o.customers, 1_000_000_000_000);
  } catch (e) {
    await real.stop();
    throw e;
  }
  const bare = (mode) =>
    new Promise((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [new URL(import.meta.url).pathname, "--serve", pgUrl(real.database), String(o.port + 1), mode],
        { stdio: ["ignore", "inherit", "inherit", "ipc"] },
      );
      child.once("message", () => resolve(child));
      child.once("exit", (code) => reject(new Error(`floor server exited ${code}`)));
    });
  const url = `http://127.0.0.1:${o.port + 1}`;
  const consume = (i) => ({
    method: "POST",
    path: "/",
    body: {
      customer_id: ids[i % ids.length],
      event_name: "bench_call",
      quantity: 1 + (i % 3),
      idempotency_key: randomUUID(),
    },
  });
  const out = {};
  const LABELS = {
    http: "bare HTTP answer, no database",
    spend: "bare spend, a transaction each",
    group: "bare spends, group commit",
  };
  try {
    for (const mode of (process.env.FLOOR_MODES ?? "http,spend,group").split(",")) {
      const child = await bare(mode);
      await load({ url, key: "" }, { clients: o.clients, seconds: 2, request: consume });
      const cpu0 = {
        server: cpuSeconds(child.pid),
        pg: await backendCpuSeconds(real.sql, real.database),
        client: process.cpuUsage(),
      };
      out[mode] = await load({ url, key: "" }, { clients: o.clients, seconds: o.seconds, request: consume });
      const client = process.cpuUsage(cpu0.client);
      const per = (s) => Math.round((s / Math.max(1, out[mode].ok)) * 1e6);
      out[mode].cpu_us_per_request = {
        server: per(cpuSeconds(child.pid) - cpu0.server),
        postgres: per((await backendCpuSeconds(real.sql, real.database)) - cpu0.pg),
        load_generator: per((client.user + client.system) / 1e6),
      };
      child.removeAllListeners("exit");
      child.kill();
      console.log(
        `  ${LABELS[mode]}  ${out[mode].per_s} /s   p50 ${out[mode].p50_ms} ms   p99 ${out[mode].p99_ms} ms   CPU µs/request ${JSON.stringify(out[mode].cpu_us_per_request)}   ${JSON.stringify(out[mode].statuses)}`,
      );
    }
    const inv = await invariantViolations(real.sql);
    console.log(`  ledger after the bare spends: ${JSON.stringify(inv)}`);
    console.log(
      JSON.stringify({
        bench: "consume-floor",
        clients: o.clients,
        customers: o.customers,
        seconds: o.seconds,
        ...out,
      }),
    );
  } finally {
    await real.stop();
  }
}
