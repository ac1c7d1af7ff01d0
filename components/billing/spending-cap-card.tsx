// The spending cap on a credits page (the customer's, and the admin's for a customer): the cap,
// how much of it usage has spent this window (a bar and the figures), and the form.
import { formatMoney } from "@/lib/format";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import type { SpendingCapJson } from "@/lib/billing/spending-cap";

export function SpendingCapCard({ data, form }: { data: SpendingCapJson; form: React.ReactNode }) {
  const on = data.enabled && data.amount_cents !== null && data.currency !== null;
  const pct = Math.min(100, data.percent ?? 0);
  const tone = data.reached ? "bg-red-500" : pct >= 80 ? "bg-amber-500" : "bg-brand-600";
  return (
    <Card className="mb-6" aria-labelledby="spending-cap-title">
      <CardHeader
        title={<span id="spending-cap-title">Spending cap</span>}
        description="A monthly ceiling on what usage and overage add to your bill (the plan fee is not counted)."
        action={
          <Badge tone={!on ? "gray" : data.reached ? "red" : "green"} className="shrink-0">
            {!on ? "No cap" : data.reached ? "Reached" : data.mode === "hard" ? "Hard" : "Soft"}
          </Badge>
        }
      />
      <CardBody className="space-y-4">
        {on ? (
          <div data-testid="spending-cap-progress">
            <div className="flex flex-wrap items-baseline justify-between gap-2 text-sm">
              <p className="text-zinc-900">
                <span className="tabular font-semibold">{formatMoney(data.spent_cents ?? 0, data.currency!)}</span> of{" "}
                <span className="tabular">{formatMoney(data.amount_cents!, data.currency!)}</span> spent ·{" "}
                {data.percent ?? 0} %
              </p>
              {data.window_end && (
                <p className="text-xs text-zinc-500">
                  Resets <LocalTime value={data.window_end} mode="date" />
                </p>
              )}
            </div>
            <div
              role="progressbar"
              aria-label="Spent of the spending cap"
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={pct}
              className="mt-2 h-2 overflow-hidden rounded-full bg-zinc-100"
            >
              <div className={`h-full ${tone}`} style={{ width: `${pct}%` }} />
            </div>
            {data.reached && (
              <p role="alert" className="mt-2 text-sm text-red-700">
                {data.mode === "hard"
                  ? "The cap is reached: usage is refused until the period ends or the cap is raised."
                  : "The cap is reached. Usage continues and is billed."}
              </p>
            )}
          </div>
        ) : (
          <p className="text-sm text-zinc-700">No cap: usage is never stopped for what it costs.</p>
        )}
        {form}
      </CardBody>
    </Card>
  );
}
