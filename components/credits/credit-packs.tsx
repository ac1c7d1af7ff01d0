import { EmptyState } from "@/components/ui/empty-state";
import { formatInteger, formatMoney, formatUnitPrice } from "@/lib/format";

export type CreditPackView = {
  id: string;
  code: string;
  name: string;
  credits: number;
  priceCents: number;
  currency: string;
  pricePerCredit: string;
};

/**
 * The packs for sale. Buying belongs to the payments work: it passes `renderBuyAction` (a checkout
 * button per pack). Until then no button is drawn — nothing here pretends to take a payment.
 */
export function CreditPacks({
  packs,
  renderBuyAction,
}: {
  packs: CreditPackView[];
  renderBuyAction?: (pack: CreditPackView) => React.ReactNode;
}) {
  if (packs.length === 0)
    return (
      <EmptyState title="No credit packs for sale">Your provider has not published any credit packs yet.</EmptyState>
    );
  return (
    <div className="grid grid-cols-1 gap-4 px-5 py-4 sm:grid-cols-2 lg:grid-cols-3">
      {packs.map((p) => (
        <div key={p.id} data-testid={`pack-${p.code}`} className="flex flex-col rounded-lg border border-zinc-200 p-4">
          <p className="text-sm font-medium text-zinc-900">{p.name}</p>
          <p className="tabular mt-1 text-2xl font-semibold text-zinc-900">{formatMoney(p.priceCents, p.currency)}</p>
          <p className="mt-1 text-xs text-zinc-500">
            {formatInteger(p.credits)} credits · {formatUnitPrice(p.pricePerCredit, p.currency, "credit")} · never
            expire
          </p>
          <div className="mt-4">
            {renderBuyAction ? (
              renderBuyAction(p)
            ) : (
              <p className="text-xs text-zinc-500">Online checkout is not available yet.</p>
            )}
          </div>
        </div>
      ))}
    </div>
  );
}
