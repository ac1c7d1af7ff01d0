// The customer's add-ons on the billing page: what the subscription holds (with buttons to add one
// more, one fewer or remove it) and what it may add. Owners change them; members only see them.
import { ActionButton } from "@/components/ui/action-button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import type { AddonJson, CustomerAddonsJson } from "@/lib/addons/schemas";
import { formatMoney } from "@/lib/format";
import type { setAddonAction } from "@/app/(app)/billing/actions";

const priceOf = (a: AddonJson) =>
  `${formatMoney(a.price_cents, a.currency)}${a.kind === "one_time" ? " once" : a.interval === "year" ? " a year" : " a month"}${a.max_quantity > 1 ? " each" : ""}`;

export function AddonsCard({
  addons,
  owner,
  action,
}: {
  addons: CustomerAddonsJson;
  owner: boolean;
  action: typeof setAddonAction;
}) {
  if (!addons.subscription_id) return null;
  const held = new Set(addons.data.map((h) => h.addon.id));
  const available = addons.available.filter((a) => !held.has(a.id));
  return (
    <Card>
      <CardHeader title="Add-ons" />
      <CardBody>
        {addons.data.length === 0 && available.length === 0 && (
          <p className="text-sm text-zinc-500">No add-ons are offered with your plan.</p>
        )}
        <ul className="divide-y divide-zinc-100" aria-label="Your add-ons">
          {addons.data.map((h) => (
            <li key={h.id} className="flex flex-wrap items-center justify-between gap-3 py-3" data-testid="held-addon">
              <div className="min-w-0">
                <p className="text-sm font-medium text-zinc-900">
                  {h.addon.name} <span className="text-zinc-500">× {h.quantity}</span>
                </p>
                <p className="text-xs text-zinc-500">{priceOf(h.addon)}</p>
              </div>
              {owner && (
                <span className="flex flex-wrap gap-2">
                  {h.addon.kind === "recurring" && h.quantity < h.addon.max_quantity && (
                    <ActionButton
                      action={action}
                      fields={{ addon: h.addon.code, quantity: String(h.quantity + 1) }}
                      label="Add one"
                      ariaLabel={`Add one more ${h.addon.name}`}
                      size="sm"
                    />
                  )}
                  <ActionButton
                    action={action}
                    fields={{ addon: h.addon.code, quantity: String(h.quantity - 1) }}
                    label={h.quantity > 1 ? "One fewer" : "Remove"}
                    ariaLabel={h.quantity > 1 ? `One fewer ${h.addon.name}` : `Remove ${h.addon.name}`}
                    size="sm"
                    variant={h.quantity > 1 ? "secondary" : "danger"}
                  />
                </span>
              )}
            </li>
          ))}
        </ul>
        {available.length > 0 && (
          <>
            <h3 className="mt-4 text-sm font-medium text-zinc-700">Available</h3>
            <ul className="divide-y divide-zinc-100" aria-label="Add-ons you can add">
              {available.map((a) => (
                <li
                  key={a.id}
                  className="flex flex-wrap items-center justify-between gap-3 py-3"
                  data-testid="available-addon"
                >
                  <div className="min-w-0">
                    <p className="text-sm font-medium text-zinc-900">{a.name}</p>
                    {a.description && <p className="text-xs text-zinc-600">{a.description}</p>}
                    <p className="text-xs text-zinc-500">
                      {priceOf(a)}
                      {a.kind === "recurring" && ", prorated for the rest of this period"}
                    </p>
                  </div>
                  {owner && (
                    <ActionButton
                      action={action}
                      fields={{ addon: a.code, quantity: "1" }}
                      label={a.kind === "one_time" ? "Buy" : "Add"}
                      ariaLabel={`Add ${a.name}`}
                      size="sm"
                      variant="primary"
                    />
                  )}
                </li>
              ))}
            </ul>
          </>
        )}
        {!owner && (
          <p className="mt-2 text-xs text-zinc-500">Only your organization&apos;s owner can change add-ons.</p>
        )}
      </CardBody>
    </Card>
  );
}
