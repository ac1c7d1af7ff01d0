// The expiry job: organizations with a hold past its TTL or a bucket past its expiry get a
// maintenance movement, which writes the expiry rows (movement.ts settles time on every movement,
// so this job only makes sure it happens for accounts nobody touches). Safe on several replicas: an
// organization whose balance row is locked — by another replica's job or by live traffic, which
// settles expiry itself — is skipped (FOR UPDATE SKIP LOCKED), and a second pass finds nothing due.
import "server-only";
import { sql } from "drizzle-orm";
import { db } from "@/lib/db/client";
import { selectRows, text } from "@/lib/db/rows";
import { log } from "@/lib/log";
import { afterMovement } from "./after-movement";
import { withOrgGate } from "./org-gate";
import { runMovement } from "./movement";

export async function expireDueCredits(now: Date, batch = 200): Promise<{ accounts: number; rows: number }> {
  const at = sql`${now.toISOString()}::timestamptz`;
  const due = await selectRows(
    { org_id: text },
    sql`select org_id from (
          select org_id from credit_reservations where status = 'active' and expires_at <= ${at}
          union
          select org_id from credit_grants where remaining > 0 and expires_at <= ${at} and expired_at is null
        ) d limit ${batch}`,
  );
  let accounts = 0;
  let written = 0;
  for (const { org_id: orgId } of due) {
    try {
      const outcome = await withOrgGate(orgId, () =>
        db.transaction(async (tx) => {
          const [free] = await selectRows(
            { org_id: text },
            sql`select org_id from credit_balances where org_id = ${orgId} for update skip locked`,
            tx,
          );
          return free ? runMovement(tx, orgId, now, {}, () => undefined) : null;
        }),
      );
      if (outcome) {
        accounts++;
        written += outcome.entries.length;
        await afterMovement(orgId, outcome);
      }
    } catch (err) {
      log.error({ err, org_id: orgId }, "credit expiry failed");
    }
  }
  return { accounts, rows: written };
}
