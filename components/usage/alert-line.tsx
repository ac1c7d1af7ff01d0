import { Badge } from "@/components/ui/badge";
import { LocalTime } from "@/components/ui/local-time";
import type { AlertJson } from "@/lib/alerts/schemas";

/** An alert as GET /api/v1/alerts answers it (the fields the pages show). */
export type AlertItem = Pick<
  AlertJson,
  "id" | "kind" | "severity" | "message" | "created_at" | "acknowledged_at" | "acknowledged_by"
>;

/** One open alert as the usage page's panel and the overview's summary show it: how bad, when, what. */
export function AlertLine({ alert }: { alert: AlertItem }) {
  return (
    <div>
      <div className="flex flex-wrap items-center gap-2">
        <Badge tone={alert.severity === "critical" ? "red" : "amber"}>
          {alert.severity === "critical" ? "limit reached" : "warning"}
        </Badge>
        <span className="text-xs text-zinc-500">
          <LocalTime value={alert.created_at} />
        </span>
      </div>
      <p className="mt-1 text-sm text-zinc-800">{alert.message}</p>
    </div>
  );
}
