// The admin's view of a customer's add-ons: what the subscription holds, and forms to attach (or
// change the quantity of) and detach one, each with a reason kept in the subscription's history.
import Link from "next/link";
import { QuickForm } from "@/components/catalog/quick-form";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, Td, Th } from "@/components/ui/table";
import type { CustomerAddonsJson } from "@/lib/addons/schemas";
import { formatDate, formatInteger, formatMoney } from "@/lib/format";
import type { FormActionFn } from "@/lib/http/action-state";

const price = (a: CustomerAddonsJson["available"][number]) =>
  `${formatMoney(a.price_cents, a.currency)} ${a.kind === "one_time" ? "once" : a.interval === "year" ? "/ year" : "/ month"}`;

export function AdminAddonsCard<A, D>({
  orgId,
  addons,
  attachAction,
  detachAction,
}: {
  orgId: string;
  addons: CustomerAddonsJson;
  attachAction: FormActionFn<A>;
  detachAction: FormActionFn<D>;
}) {
  if (!addons.subscription_id)
    return (
      <EmptyState title="No current subscription">
        Add-ons are held by a subscription: subscribe the customer first.
      </EmptyState>
    );
  const held = addons.data;
  return (
    <>
      {held.length === 0 ? (
        <EmptyState title="No add-ons">The subscription holds none; attach one below.</EmptyState>
      ) : (
        <Table label="Add-ons held">
          <thead>
            <tr>
              <Th>Add-on</Th>
              <Th align="right">Quantity</Th>
              <Th>Price per unit</Th>
              <Th>Since</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {held.map((h) => (
              <tr key={h.id}>
                <Td>
                  <span className="font-medium text-zinc-900">{h.addon.name}</span>
                  <div className="font-mono text-xs text-zinc-500">{h.addon.code}</div>
                </Td>
                <Td align="right">{formatInteger(h.quantity)}</Td>
                <Td>{price(h.addon)}</Td>
                <Td>{formatDate(new Date(h.started_at))}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      {addons.available.length === 0 ? (
        <p className="border-t border-zinc-100 px-5 py-4 text-sm text-zinc-500">
          No add-on on sale fits this plan. Create one on the{" "}
          <Link href="/admin/addons" className="underline">
            Add-ons
          </Link>{" "}
          page.
        </p>
      ) : (
        <QuickForm
          action={attachAction}
          submitLabel="Attach add-on"
          hidden={{ org_id: orgId }}
          fields={[
            {
              name: "addon",
              label: "Add-on",
              options: addons.available.map((a) => ({ value: a.id, label: `${a.name} — ${price(a)}` })),
            },
            {
              name: "quantity",
              label: "Quantity held",
              defaultValue: "1",
              inputMode: "numeric",
              hint: "The total; prorated like the customer's own change.",
            },
            { name: "reason", label: "Reason", placeholder: "Agreed in the renewal call", required: true },
          ]}
        />
      )}
      {held.length > 0 && (
        <QuickForm
          action={detachAction}
          submitLabel="Detach add-on"
          hidden={{ org_id: orgId }}
          fields={[
            {
              name: "addon",
              label: "Add-on to detach",
              options: held.map((h) => ({ value: h.addon.id, label: `${h.addon.name} × ${h.quantity}` })),
            },
            { name: "reason", label: "Reason", placeholder: "Customer asked to remove it", required: true },
          ]}
        />
      )}
    </>
  );
}
