// Auto top-up on a credits page (the customer's, and the admin's for a customer): what it is set
// to and how many of this month's top-ups are used, a notice when the last one needs the customer
// (declined, or the bank asks to confirm) while the balance is still below the threshold, the
// settings form, and the history of top-ups.
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { LocalTime } from "@/components/ui/local-time";
import { Table, Td, Th } from "@/components/ui/table";
import type { AutoTopUpJson, AutoTopUpRowJson } from "@/lib/credits/auto-top-up";
import { formatCredits, formatInteger, formatMoney } from "@/lib/format";

type Pack = { id: string; name: string; credits: number; priceCents: number; currency: string };

const STATUS: Record<string, { label: string; tone: BadgeTone }> = {
  pending: { label: "Charging", tone: "blue" },
  succeeded: { label: "Bought", tone: "green" },
  failed: { label: "Failed", tone: "red" },
  requires_action: { label: "Needs you", tone: "amber" },
  invoiced: { label: "Invoiced", tone: "blue" },
  skipped: { label: "Skipped", tone: "gray" },
};

export const packLabel = (p: Pack) =>
  `${p.name} — ${formatInteger(p.credits)} credits for ${formatMoney(p.priceCents, p.currency)}`;

export function AutoTopUpCard({
  data,
  packs,
  form,
  renderFinish,
}: {
  data: AutoTopUpJson;
  packs: Pack[];
  /** The settings form, or a sentence saying who may change them. */
  form: React.ReactNode;
  /** A way to buy the pack now, offered when the last top-up needs the customer. */
  renderFinish?: (packId: string) => React.ReactNode;
}) {
  const pack = packs.find((p) => p.id === data.credit_product_id);
  const last = data.history[0];
  const belowNow = data.threshold_credits !== null && data.balance < data.threshold_credits;
  const needsYou = last && (last.status === "requires_action" || last.status === "failed") && belowNow;
  return (
    <Card className="mb-6" aria-labelledby="auto-top-up-title">
      <CardHeader
        title={<span id="auto-top-up-title">Automatic top-up</span>}
        description="Buy a credit pack with the saved card when the balance runs low, so spending never stops."
        action={
          <Badge tone={data.enabled ? "green" : "gray"} className="shrink-0">
            {data.enabled ? "On" : "Off"}
          </Badge>
        }
      />
      <CardBody className="space-y-4">
        <p className="text-sm text-zinc-700" data-testid="auto-top-up-summary">
          {data.enabled && data.threshold_credits !== null
            ? `Below ${formatCredits(data.threshold_credits)}, buys ${pack ? packLabel(pack) : "the chosen pack"}. ${data.used_this_month} of ${data.max_per_month} this month.`
            : "Off: nothing is bought automatically."}
        </p>
        {needsYou && (
          <div
            role="alert"
            className="flex flex-col gap-3 rounded-lg bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-inset ring-amber-200 sm:flex-row sm:items-center sm:justify-between"
          >
            <div>
              <p className="font-medium">
                {last.status === "requires_action"
                  ? "Your bank asks you to confirm the automatic top-up."
                  : "The automatic top-up did not go through."}
              </p>
              <p className="mt-0.5">{last.message} Buy the pack now to finish it.</p>
            </div>
            {renderFinish?.(last.credit_product_id)}
          </div>
        )}
        {form}
      </CardBody>
      <div className="border-t border-zinc-100">
        <h3 className="px-5 pt-4 text-sm font-semibold text-zinc-900">History</h3>
        {data.history.length === 0 ? (
          <EmptyState title="No automatic top-ups yet">
            Each time the balance falls below the threshold, the top-up shows here with its outcome.
          </EmptyState>
        ) : (
          <AutoTopUpHistory rows={data.history} />
        )}
      </div>
    </Card>
  );
}

function AutoTopUpHistory({ rows }: { rows: AutoTopUpRowJson[] }) {
  return (
    <Table label="Automatic top-ups">
      <thead>
        <tr>
          <Th>When</Th>
          <Th>Outcome</Th>
          <Th align="right">Credits</Th>
          <Th align="right">Amount</Th>
          <Th align="right">Balance then</Th>
          <Th>Note</Th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100">
        {rows.map((r) => {
          const s = STATUS[r.status] ?? { label: r.status, tone: "gray" as const };
          return (
            <tr key={r.id} data-testid="auto-top-up-row">
              <Td>
                <LocalTime value={r.created_at} />
              </Td>
              <Td>
                <Badge tone={s.tone}>{s.label}</Badge>
              </Td>
              <Td align="right">{formatInteger(r.credits)}</Td>
              <Td align="right">{formatMoney(r.amount_cents, r.currency)}</Td>
              <Td align="right">{formatInteger(r.balance_at_crossing)}</Td>
              <Td wrap className="min-w-48 text-zinc-500">
                {r.message ?? "—"}
              </Td>
            </tr>
          );
        })}
      </tbody>
    </Table>
  );
}
