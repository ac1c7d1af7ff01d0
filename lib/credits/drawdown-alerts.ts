// Alerts of credits running out, once per crossing: a crossing is named by the newest ledger row
// that left the balance above the line, so however many movements (spends, drawdowns, replicas)
// report the same drop it raises one alert, and the next drop — after a grant or a top-up lifted
// the balance back above the line — raises a new one.
import "server-only";
import { sql } from "drizzle-orm";
import { raiseAlertOnce } from "@/lib/alerts/alerts";
import { nullable, selectRows, text } from "@/lib/db/rows";
import { formatCredits } from "@/lib/format";
import { log } from "@/lib/log";

/** The key of the current drop below `line`: the seq of the newest ledger row whose balance_after was at or above it (strictly above with `strict`). */
export async function crossingKey(orgId: string, line: number, strict = false): Promise<string> {
  const [r] = await selectRows(
    { seq: nullable(text) },
    sql`select max(seq)::text as seq from credit_ledger where org_id = ${orgId} and ${strict ? sql`balance_after > ${line}` : sql`balance_after >= ${line}`}`,
  );
  return `above:${r?.seq ?? "0"}`;
}

/** The balance reached zero (or below, as overage): a critical alert, once per crossing. */
export async function onDepleted(orgId: string, balance: number, at = new Date()): Promise<void> {
  try {
    await raiseAlertOnce({
      orgId,
      kind: "credits_depleted",
      key: "balance",
      threshold: 0,
      periodKey: await crossingKey(orgId, 0, true),
      severity: "critical",
      message:
        balance < 0
          ? `Your credits ran out; ${formatCredits(-balance)} credits of usage are billed as overage. Buy a credit pack to keep going.`
          : "Your credits ran out. Buy a credit pack to keep going.",
      details: { balance },
      at,
    });
  } catch (err) {
    log.error({ err, org_id: orgId }, "depleted-credits report failed");
  }
}
