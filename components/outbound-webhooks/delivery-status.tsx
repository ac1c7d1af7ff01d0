import { Badge } from "@/components/ui/badge";

const TONE = { delivered: "green", pending: "amber", failed: "red" } as const;

/** A delivery's state and the HTTP status of its last answer ("pending · 503": being retried). */
export function DeliveryStatus({
  status,
  responseStatus,
}: {
  status: "pending" | "delivered" | "failed";
  responseStatus: number | null;
}) {
  return (
    <span className="inline-flex items-center gap-1.5">
      <Badge tone={TONE[status]}>{status}</Badge>
      {responseStatus !== null && <span className="font-mono text-xs text-zinc-600">HTTP {responseStatus}</span>}
    </span>
  );
}
