// Samples pg_stat_activity of one database every 10 ms for a while: what its active statements
// wait on (wait_event_type:wait_event, "-:-" running), counted per statement — the entitlement
// check (its text starts "with o as") apart. Run beside a bench:
//   node bench/support/pg-waits.mjs drawdown_bench_3301 40
import { connect, pgUrl } from "./server.mjs";

const db = process.argv[2];
const seconds = Number(process.argv[3] ?? 60);
const sql = connect(pgUrl("postgres"), { max: 1 });
const counts = new Map();
const end = Date.now() + seconds * 1000;
let samples = 0;
while (Date.now() < end) {
  const active =
    await sql`select left(query, 60) as q, coalesce(wait_event_type, '-') as wt, coalesce(wait_event, '-') as we
                             from pg_stat_activity where datname = ${db} and pid <> pg_backend_pid() and state = 'active'`;
  samples++;
  for (const r of active) {
    const kind = r.q.startsWith("with o as") ? "check" : r.q.slice(0, 30).replace(/\s+/g, " ");
    const k = `${kind} | ${r.wt}:${r.we}`;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  await new Promise((r) => setTimeout(r, 10));
}
console.log(`${samples} samples`);
for (const [k, v] of [...counts].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(v, k);
await sql.end();
