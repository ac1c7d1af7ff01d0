import Link from "next/link";
import { Card, CardHeader } from "@/components/ui/card";
import { AlertLine, type AlertItem } from "@/components/usage/alert-line";

/** The newest open alerts; acknowledging them happens on the usage page, where the usage behind them is. */
export function AlertsSummary({ open, count }: { open: AlertItem[]; count: number }) {
  return (
    <Card aria-label="Alerts">
      <CardHeader
        title="Alerts"
        description={count === 0 ? undefined : `${count} open`}
        action={
          <Link href="/usage" className="whitespace-nowrap text-sm font-medium text-brand-600 hover:text-brand-700">
            {count > open.length ? `All ${count} alerts` : "Usage"}
          </Link>
        }
      />
      {open.length === 0 ? (
        <p className="px-5 py-4 text-sm text-zinc-500" data-testid="overview-alerts-empty">
          No open alerts. You will see one here when usage nears a plan limit or credits run low.
        </p>
      ) : (
        <ul className="divide-y divide-zinc-100" data-testid="overview-alerts">
          {open.map((a) => (
            <li key={a.id} className="px-5 py-3">
              <AlertLine alert={a} />
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
