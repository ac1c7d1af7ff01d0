// A CSV download that never holds the whole table: a pull-driven ReadableStream fetches one
// keyset batch only when the client has read the previous one, so memory stays at one batch
// whatever the number of rows, and a slow reader slows the reads instead of filling memory.
import "server-only";
import { stringify } from "csv-stringify/sync";
import { log } from "@/lib/log";

export const EXPORT_BATCH = 1_000;

export type Batch<T> = { rows: T[]; nextCursor: string | null };

/** Free text that a spreadsheet would run as a formula (=, +, -, @, tab, CR) gets a leading quote. */
export function safeText(value: string | null | undefined): string {
  if (value === null || value === undefined) return "";
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export function csvStream<T>(
  header: string[],
  fetchBatch: (cursor: string | undefined) => Promise<Batch<T>>,
  record: (row: T) => (string | number | boolean | null)[],
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cursor: string | undefined;
  let started = false;
  let done = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          if (!started) {
            started = true;
            controller.enqueue(encoder.encode(stringify([header])));
          }
          if (done) return controller.close();
          const batch = await fetchBatch(cursor);
          if (batch.rows.length) controller.enqueue(encoder.encode(stringify(batch.rows.map(record))));
          if (batch.nextCursor) cursor = batch.nextCursor;
          else {
            done = true;
            controller.close();
          }
        } catch (err) {
          // Headers are gone already: the client sees a cut-off file, and the log says why.
          log.error({ err }, "csv export failed");
          controller.error(err);
        }
      },
    },
    { highWaterMark: 1 },
  );
}

export function csvResponse(filename: string, body: ReadableStream<Uint8Array>): Response {
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${filename}"`,
      "cache-control": "no-store",
    },
  });
}
