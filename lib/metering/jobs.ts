// Metering's background jobs, both safe on several replicas at once.
// - metering.partitions: the next months' partitions of usage_events exist ahead of time
//   (usage_events_ensure_partition takes an advisory lock and moves any rows the DEFAULT
//   partition holds for the month first). The DEFAULT partition means a missed run never fails
//   an insert; it only leaves rows in the default partition until the next run.
// - metering.ingest-log: keeps the ingest log bounded: 7 days, and 1,000 rows per customer.
import "server-only";
import { sql } from "drizzle-orm";
import { bool, int, selectRows } from "@/lib/db/rows";
import type { Job } from "@/lib/jobs/runner";
import { correctionsJob } from "./corrections";

export const MONTHS_AHEAD = 3;
export const INGEST_LOG_DAYS = 7;
export const INGEST_LOG_PER_CUSTOMER = 1_000;

export async function ensureEventPartitions(now: Date, monthsAhead = MONTHS_AHEAD): Promise<string[]> {
  const created: string[] = [];
  for (let k = 0; k <= monthsAhead; k++) {
    const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + k, 1)).toISOString().slice(0, 10);
    const [r] = await selectRows(
      { created: bool },
      sql`select usage_events_ensure_partition(${month}::date) as created`,
    );
    if (r?.created) created.push(month.slice(0, 7));
  }
  return created;
}

export async function pruneIngestLog(now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - INGEST_LOG_DAYS * 86_400_000);
  const old = await selectRows(
    { id: int },
    sql`delete from ingest_log where received_at < ${cutoff.toISOString()}::timestamptz returning id`,
  );
  const excess = await selectRows(
    { id: int },
    sql`delete from ingest_log where id in (
          select id from (select id, row_number() over (partition by org_id order by id desc) as n from ingest_log) ranked
           where n > ${INGEST_LOG_PER_CUSTOMER})
        returning id`,
  );
  return old.length + excess.length;
}

export const meteringJobs: Job[] = [
  { name: "metering.partitions", everyMs: 6 * 3_600_000, run: (now) => ensureEventPartitions(now) },
  { name: "metering.ingest-log", everyMs: 10 * 60_000, run: (now) => pruneIngestLog(now) },
  // Retractions a request started and left to run in batches (corrections.ts).
  correctionsJob,
];
