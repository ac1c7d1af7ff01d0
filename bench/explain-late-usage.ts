// EXPLAIN ANALYZE of the late-usage candidate read (the same statement as lib/payments/late-usage.ts `candidates`) for a customer with a
// month of 1,000,000 raw events in its current period and 1,000,000 in the period before (billed),
// 200 of which arrived after that period was billed. Shows which indexes the read uses and how many
// rows it touches: the late events and the hour before the watermark, not either month.
//   node --import tsx bench/explain-late-usage.ts [events per period=1000000]
// Postgres from BENCH_DATABASE_URL (default local); uses (and drops) the database tally_explain_late.
import postgres from "postgres";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";

const N = Number(process.argv[2] ?? 1_000_000);
const base = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const name = "tally_explain_late";
const admin = postgres(base, { max: 1, onnotice: () => {} });
await admin.unsafe(`drop database if exists ${name} with (force)`);
await admin.unsafe(`create database ${name}`);
const url = new URL(base);
url.pathname = `/${name}`;
const sql = postgres(url.toString(), { max: 1, onnotice: () => {} });
try {
  await migrate(drizzle(sql), { migrationsFolder: "drizzle", migrationsSchema: "drizzle" });
  const HOUR = 3_600_000;
  // The current period began 29 days ago (not on a month boundary: its first days share a partition with the period before).
  const ps = new Date(Math.floor(Date.now() / HOUR) * HOUR - 29 * 24 * HOUR);
  const prev = new Date(ps);
  prev.setUTCMonth(prev.getUTCMonth() - 1);
  const watermark = new Date(ps.getTime() + 60_000 - 5 * 60_000); // the previous close a minute after its end, less the margin
  for (const [from, to] of [
    [prev, ps],
    [ps, new Date()],
  ] as const)
    await sql`insert into usage_events (id, org_id, event_id, event_name, "timestamp", ingested_at, properties)
              select 'e' || ${String(from.getTime())}::text || '_' || g, 'org_big', 'e' || ${String(from.getTime())}::text || '_' || g, 'api_call', t, t + interval '2 seconds', '{}'
                from generate_series(1, ${N}::int) g,
                     lateral (select ${from.toISOString()}::timestamptz + (${String(to.getTime() - from.getTime())}::float8 * g / ${N + 1}::int) * interval '1 millisecond' as t) x`;
  // 200 of the previous period's events arrive now, after it was billed.
  await sql`insert into usage_events (id, org_id, event_id, event_name, "timestamp", ingested_at, properties)
            select 'late_' || g, 'org_big', 'late_' || g, 'api_call', ${prev.toISOString()}::timestamptz + g * interval '1 hour', now(), '{}' from generate_series(1, 200) g`;
  await sql`analyze usage_events`;
  const lookback = new Date(ps);
  lookback.setUTCMonth(lookback.getUTCMonth() - 12);
  const params = JSON.stringify([
    { i: 0, o: "org_big", w: watermark.toISOString(), l: lookback.toISOString(), s: ps.toISOString() },
  ]);
  // Three times: the first pays for reading the pages in (and, under load, for waiting on a core); the last is printed.
  let plan: Record<string, string>[] = [];
  for (let run = 1; run <= 4; run++) {
    // The last run as the application's connections run it (lib/db/client.ts: jit off).
    if (run === 4) await sql`set jit = off`;
    plan = await sql.unsafe(
      `explain (analyze, buffers)
     select t.i, min(e.ts), max(e.ts), count(*)
       from json_to_recordset($1::text::json) as t(i int, o text, w timestamptz, l timestamptz, s timestamptz)
       cross join lateral (
         select u."timestamp" as ts from usage_events u
          where u.org_id = t.o and (u.ingested_at - u."timestamp") > interval '1 hour' and u.ingested_at > t.w
            and u."timestamp" + interval '0 s' >= t.l and u."timestamp" + interval '0 s' < t.s
         union all
         select u."timestamp" from usage_events u
          where u.org_id = t.o and u."timestamp" >= greatest(t.l, t.w - interval '1 hour') and u."timestamp" < t.s
            and u.ingested_at > t.w
       ) e
      group by t.i`,
      [params],
    );
    console.log(`run ${run}: ${plan.find((r) => r["QUERY PLAN"]!.startsWith("Execution Time"))?.["QUERY PLAN"]}`);
  }
  console.log(`${(2 * N).toLocaleString("en-US")} events (${N.toLocaleString("en-US")} per period) + 200 late`);
  for (const r of plan) console.log(r["QUERY PLAN"]);
} finally {
  await sql.end();
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
}
