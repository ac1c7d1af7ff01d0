// Usage figures for the admin lists, as SQL expressions over the metering rollups.
import "server-only";
import { sql, type SQL } from "drizzle-orm";

/** Usage events of an organization since `from` (numeric). Until metering lands: none. */
export function usageThisMonthSql(_orgId: SQL, _from: Date): SQL {
  return sql`0::numeric`;
}
