"use client";
import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { FormError } from "@/components/ui/field";
import { LocalTime } from "@/components/ui/local-time";
import { AlertLine, type AlertItem } from "./alert-line";
type AckState = { ok: true; data: { id: string } } | { ok: false; error: string } | null;

/** Open alerts with an acknowledge button each, and the recently acknowledged ones. */
export function AlertsPanel({
  open,
  acknowledged,
  acknowledge,
  canAcknowledge = true,
}: {
  open: AlertItem[];
  acknowledged: AlertItem[];
  acknowledge: (prev: AckState, form: FormData) => Promise<AckState>;
  canAcknowledge?: boolean;
}) {
  const [state, action, pending] = useActionState(acknowledge, null);
  return (
    <Card>
      <CardHeader
        title="Alerts"
        description="Raised once per period when usage reaches 80 % and 100 % of a plan limit (and when credits run low)."
      />
      {state && !state.ok && (
        <div className="px-5 pt-4">
          <FormError message={state.error} />
        </div>
      )}
      {open.length === 0 ? (
        <EmptyState title="No open alerts">You will see an alert here when usage nears a plan limit.</EmptyState>
      ) : (
        <ul className="divide-y divide-zinc-100" data-testid="open-alerts">
          {open.map((a) => (
            <li key={a.id} className="flex items-start justify-between gap-4 px-5 py-3">
              <AlertLine alert={a} />
              {canAcknowledge && (
                <form action={action}>
                  <input type="hidden" name="id" value={a.id} />
                  <Button
                    type="submit"
                    variant="secondary"
                    size="sm"
                    disabled={pending}
                    aria-label={`Acknowledge: ${a.message}`}
                  >
                    Acknowledge
                  </Button>
                </form>
              )}
            </li>
          ))}
        </ul>
      )}
      {acknowledged.length > 0 && (
        <details className="border-t border-zinc-100 px-5 py-3 text-sm">
          <summary className="cursor-pointer text-zinc-600">Recently acknowledged ({acknowledged.length})</summary>
          <ul className="mt-2 space-y-2">
            {acknowledged.map((a) => (
              <li key={a.id} className="text-zinc-500">
                {a.message} — acknowledged <LocalTime value={a.acknowledged_at} />
              </li>
            ))}
          </ul>
        </details>
      )}
    </Card>
  );
}
