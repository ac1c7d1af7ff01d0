// Credits a correction gives back: retracted events that a drawdown had already spent credits for
// (marked drawn when moved; the credit_drawdowns row of their link covering their ingestion instant
// is the spend) refund what they cost — per event and
// link ceil(quantity × credits per unit), as the drawdown charged — through the ledger's refund of
// that drawdown's operation (lib/credits/refund-credits.ts), so the credits go back to the buckets
// they came from (overage the drawdown recorded is cancelled first, as for any refund). Retracted
// events not yet drawn need nothing: they left usage_events before the drawdown read them.
//
// Each drawdown is refunded once, under the key correction:<id>:<operation>: a step that runs again
// (the job after a crash) replays instead of refunding twice. A drawdown refunded in part earlier
// gives back at most what is left of it.
import "server-only";
import { sql } from "drizzle-orm";
import { refundCredits } from "@/lib/credits/refund-credits";
import { allLinks } from "@/lib/credits/drawdown-links";
import { linkedEventsSql } from "@/lib/credits/drawdown-events";
import { int, selectRows, text } from "@/lib/db/rows";
import { AppError } from "@/lib/http/errors";

/** Refunds the drawn credits of a correction's retracted events; the credits given back. */
export async function refundDrawnCredits(c: {
  id: string;
  orgId: string;
  reason: string;
  requestedBy: string;
}): Promise<number> {
  const links = await allLinks();
  if (links.every((l) => l.creditsPerUnit === null)) return 0;
  const events = linkedEventsSql(c.orgId, links, sql`'-infinity'::timestamptz`, null, {
    table: sql`usage_events_retracted`,
    where: sql`e.correction_id = ${c.id} and e.drawn`,
  });
  const owed = await selectRows(
    { operation_id: text, credits: int },
    sql`select d.operation_id, sum(x.credits)::bigint as credits
          from (${events}) x
          join credit_drawdowns d on d.org_id = ${c.orgId} and d.link_id = x.link_id
                                 and x.ingested_at >= d.from_ingested_at and x.ingested_at < d.through_ingested_at
         where d.operation_id is not null
         group by d.operation_id
        having sum(x.credits) > 0
         order by d.operation_id`,
  );
  let refunded = 0;
  for (const o of owed) {
    const input = {
      consumptionId: o.operation_id,
      reason: `usage correction ${c.id}: ${c.reason}`.slice(0, 500),
      idempotencyKey: `correction:${c.id}:${o.operation_id}`,
      actor: c.requestedBy,
    };
    try {
      refunded += (await refundCredits(c.orgId, { ...input, credits: o.credits })).body.credits;
    } catch (e) {
      // Refunded in part before (by hand, or the drawdown's short credits were never drawn): what is left.
      if (e instanceof AppError && e.code === "validation_error") {
        refunded += (await refundCredits(c.orgId, { ...input, credits: null })).body.credits;
        // Refunded in full already, or by this step before (replayed under its other request).
      } else if (!(e instanceof AppError && (e.code === "conflict" || e.code === "idempotency_conflict"))) throw e;
    }
  }
  return refunded;
}
