// Outbound webhooks (issue 20), on real Postgres, in this process:
//   1. deliveries per second from the worker (lib/outbound-webhooks/deliver.ts) to a receiver on
//      loopback answering 200 at once: N events fanned out to one endpoint, then drained. Target ≥ 500/s.
//   2. what writing the outbox row adds to the change it reports: a short transaction updating one row,
//      timed with and without emitWebhookEvent (the message and its delivery, one statement), p50/p99.
//   node --conditions=react-server --import tsx bench/webhooks-out.ts [events=5000] [changes=2000]
// Postgres at BENCH_DATABASE_URL (default local); a database of its own is created and dropped.
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import postgres from "postgres";
import { sql } from "drizzle-orm";

process.env.LOG_LEVEL ??= "silent";
process.env.JOBS_ENABLED = "false";
process.env.AUTH_SECRET ??= "bench-secret-bench-secret-bench-secret-0";
const { closeDatabase, db, installDatabase, openPostgres } = await import("@/lib/db/client");
const { migrate } = await import("@/lib/db/migrate");
const { deliverDueWebhooks } = await import("@/lib/outbound-webhooks/deliver");
const { emitWebhookEvent, emitWebhookEvents } = await import("@/lib/outbound-webhooks/emit");
const { createEndpoint } = await import("@/lib/outbound-webhooks/endpoints");
const { createOrganization } = await import("@/lib/orgs/organizations");

const EVENTS = Number(process.argv[2] ?? 5000);
const CHANGES = Number(process.argv[3] ?? 2000);
const base = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const name = `tally_bench_whout_${process.pid}`;
const admin = postgres(base, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${name}`);
const url = new URL(base);
url.pathname = `/${name}`;
const h = openPostgres(url.toString(), 10);
installDatabase(h);
await migrate(h.db, h.driver);

let received = 0;
const server = http.createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    received++;
    res.writeHead(200).end("ok");
  });
});
await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
const receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;

const pct = (xs: number[], p: number) =>
  xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
try {
  const org = await createOrganization({ name: "Bench", email: "bench@example.test", externalId: "bench" });
  await createEndpoint(null, { url: receiverUrl });
  // 1. Throughput.
  for (let i = 0; i < EVENTS; i += 500)
    await db.transaction((tx) =>
      emitWebhookEvents(
        tx,
        Array.from({ length: Math.min(500, EVENTS - i) }, (_, k) => ({
          orgId: org.id,
          type: "invoice.paid" as const,
          data: { id: `inv_${i + k}`, amount_paid_cents: 4900 },
        })),
      ),
    );
  const t0 = performance.now();
  const sent = await deliverDueWebhooks(new Date(Date.now() + 1000), { batch: 200, concurrency: 64 });
  const seconds = (performance.now() - t0) / 1000;
  console.log(
    `deliveries: ${sent} sent, ${received} received in ${seconds.toFixed(2)} s = ${Math.round(sent / seconds)}/s`,
  );

  // 2. Added latency of the outbox row.
  const time = async (withEvent: boolean) => {
    const ms: number[] = [];
    for (let i = 0; i < CHANGES; i++) {
      const s = performance.now();
      await db.transaction(async (tx) => {
        await tx.execute(sql`update organizations set updated_at = now() where id = ${org.id}`);
        if (withEvent)
          await emitWebhookEvent(tx, { orgId: org.id, type: "invoice.paid", data: { id: `inv_lat_${i}` } });
      });
      ms.push(performance.now() - s);
    }
    return ms;
  };
  await time(true); // warm-up (statement plans, connections)
  const without = await time(false);
  const withRow = await time(true);
  for (const [label, xs] of [
    ["change alone", without],
    ["change + outbox row", withRow],
  ] as const)
    console.log(`${label}: p50 ${pct(xs, 0.5).toFixed(2)} ms, p99 ${pct(xs, 0.99).toFixed(2)} ms`);
  console.log(
    `added by the outbox row: p50 ${(pct(withRow, 0.5) - pct(without, 0.5)).toFixed(2)} ms, p99 ${(pct(withRow, 0.99) - pct(without, 0.99)).toFixed(2)} ms`,
  );
  console.log(
    `machine: ${os.cpus().length} cores, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
  );
} finally {
  server.close();
  await closeDatabase();
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
}
