// Stop or overage when credits run out (issue 18, item 3), per plan or organization: a plan that
// says (plans.allow_overage not null) decides for its subscribers — the plan of the organization's
// live subscription — and otherwise the organization's own allow_overage does. Read in SQL beside
// the balance row by every spend path (consume, reservations and their commits, the drawdown) and
// by the exact reads (entitlements, GET /api/v1/credits), so they all answer the same.
import "server-only";
import { sql, type SQL } from "drizzle-orm";

/**
 * The effective allow_overage of organization `orgId` (an SQL expression: a column or a parameter),
 * given its own setting `own` (an SQL expression). At most one live subscription exists per
 * organization (subscriptions_one_live_per_org), read through that index.
 */
export function allowOverageSql(orgId: SQL, own: SQL): SQL {
  return sql`coalesce((select p.allow_overage from subscriptions s join plans p on p.id = s.plan_id
                        where s.org_id = ${orgId} and s.status in ('incomplete', 'trialing', 'active', 'past_due')), ${own})`;
}
