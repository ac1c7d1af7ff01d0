// A finalized call's metrics as usage events, one per metric, keyed `call_id:metric` so that a
// retry never records twice. Recorded inside the finalize transaction.
import "server-only";
import type { Executor } from "@/lib/db/client";
import type { Call } from "@/lib/db/schema";
import { AppError } from "@/lib/http/errors";

export async function recordCallUsage(_tx: Executor, _orgId: string, _call: Call, _metrics: Record<string, string>, _at: Date): Promise<void> {
  // Wired to usage ingestion (lib/metering) when that domain lands; until then refuse rather than
  // pretend usage was recorded.
  throw new AppError("unavailable", "Recording call usage as events needs usage metering, which is not installed yet; finalize with send_usage false.");
}
