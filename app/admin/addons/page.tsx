import type { Metadata } from "next";
import { QuickForm, type QuickField } from "@/components/catalog/quick-form";
import { ActionButton } from "@/components/ui/action-button";
import { Badge } from "@/components/ui/badge";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { listAddons } from "@/lib/addons/catalog";
import { requireAdmin } from "@/lib/auth/session";
import type { Addon } from "@/lib/db/schema";
import { formatInteger, formatMoney } from "@/lib/format";
import { minorToDecimal, SUPPORTED_CURRENCIES } from "@/lib/money";
import { createAddonAction, renameAddonAction, setAddonArchivedAction } from "./actions";
import { grantListText } from "./grant-list";

export const metadata: Metadata = { title: "Add-ons" };

const priceLabel = (a: Addon) =>
  `${formatMoney(a.priceCents, a.currency)} ${a.kind === "one_time" ? "once" : a.interval === "year" ? "/ year" : "/ month"}`;

function grantsLabel(a: Addon): string {
  const parts = [
    ...a.features.map((f) => (f.value === true ? f.feature : `${f.feature} ${String(f.value)}`)),
    ...a.limits.map((l) => `${l.meter} +${formatInteger(l.limit)}`),
    ...(a.credits > 0 ? [`${formatInteger(a.credits)} credits${a.kind === "recurring" ? " / month" : ""}`] : []),
  ];
  return parts.join(", ") || "—";
}

/** The create form's fields, pre-filled from an add-on for a new version of it. */
function termFields(from?: Addon): QuickField[] {
  return [
    {
      name: "code",
      label: "Code",
      placeholder: "extra-seat",
      required: true,
      defaultValue: from ? `${from.code}-v2` : undefined,
    },
    { name: "name", label: "Name", placeholder: "Extra seat", required: true, defaultValue: from?.name },
    {
      name: "kind",
      label: "Kind",
      defaultValue: from?.kind ?? "recurring",
      options: [
        { value: "recurring", label: "recurring" },
        { value: "one_time", label: "one-time" },
      ],
    },
    {
      name: "interval",
      label: "Interval",
      defaultValue: from?.interval ?? "month",
      options: [
        { value: "month", label: "monthly" },
        { value: "year", label: "yearly" },
      ],
      hint: "Recurring only: the plans' interval.",
    },
    {
      name: "price",
      label: "Price per unit",
      placeholder: "10.00",
      inputMode: "decimal",
      required: true,
      defaultValue: from ? minorToDecimal(from.priceCents, from.currency) : undefined,
    },
    {
      name: "currency",
      label: "Currency",
      defaultValue: from?.currency ?? "usd",
      options: SUPPORTED_CURRENCIES.map((c) => ({ value: c, label: c.toUpperCase() })),
    },
    {
      name: "features",
      label: "Features per unit",
      placeholder: "sso, seats=1",
      hint: "Comma-separated: a key (on) or key=number.",
      defaultValue: from ? grantListText(from.features.map((f) => ({ key: f.feature, value: f.value }))) : undefined,
    },
    {
      name: "limits",
      label: "Meter limits per unit",
      placeholder: "api_calls=1000",
      hint: "Added to the plan's limit.",
      defaultValue: from ? grantListText(from.limits.map((l) => ({ key: l.meter, value: l.limit }))) : undefined,
    },
    {
      name: "credits",
      label: "Credits per unit",
      placeholder: "0",
      inputMode: "numeric",
      hint: "Each month, or once.",
      defaultValue: from ? String(from.credits) : undefined,
    },
    {
      name: "max_quantity",
      label: "Most per subscription",
      placeholder: "1",
      inputMode: "numeric",
      defaultValue: from ? String(from.maxQuantity) : undefined,
    },
    {
      name: "plan_codes",
      label: "Only plans",
      placeholder: "pro_monthly",
      hint: "Comma-separated; empty: all.",
      defaultValue: from?.planCodes.join(", "),
    },
    { name: "description", label: "Description", placeholder: "One more seat", defaultValue: from?.description },
  ];
}

export default async function AddonsPage() {
  await requireAdmin();
  const all = await listAddons({ includeArchived: true });
  return (
    <>
      <PageHeader
        title="Add-ons"
        description="Items a subscription holds on top of its plan: recurring (extra seats, a monthly credit top-up) or one-time, each with its price, features, limits and credits. Customers buy them on their billing page; you attach them from a customer's page."
      />
      <div className="space-y-6">
        <Card id="addons">
          <CardHeader
            title="Catalog"
            description="Prices and grants are fixed once an add-on is created (subscriptions were prorated at them): to change them, make a new version below, which archives the old one. Archived add-ons are sold no more; subscriptions that hold one keep it."
          />
          {all.length === 0 ? (
            <EmptyState title="No add-ons yet">Create one below, e.g. an extra seat at 10.00 a month.</EmptyState>
          ) : (
            <Table label="Add-ons">
              <thead>
                <tr>
                  <Th>Add-on</Th>
                  <Th>Price</Th>
                  <Th>Grants per unit</Th>
                  <Th>Plans</Th>
                  <Th>Status</Th>
                  <Th>
                    <span className="sr-only">Actions</span>
                  </Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100">
                {all.map((a) => (
                  <tr key={a.id}>
                    <Td>
                      <span className="font-medium text-zinc-900">{a.name}</span>
                      <div className="font-mono text-xs text-zinc-500">{a.code}</div>
                    </Td>
                    <Td>
                      {priceLabel(a)}
                      <div className="text-xs text-zinc-500">at most {formatInteger(a.maxQuantity)}</div>
                    </Td>
                    <Td>{grantsLabel(a)}</Td>
                    <Td className="font-mono text-xs">{a.planCodes.join(", ") || "all"}</Td>
                    <Td>
                      <Badge tone={a.archivedAt ? "gray" : "green"}>{a.archivedAt ? "Archived" : "On sale"}</Badge>
                    </Td>
                    <Td className="text-right">
                      <ActionButton
                        action={setAddonArchivedAction}
                        fields={{ addon_id: a.id, archived: a.archivedAt ? "false" : "true" }}
                        label={a.archivedAt ? "Sell again" : "Archive"}
                        ariaLabel={`${a.archivedAt ? "Sell again" : "Archive"} add-on ${a.code}`}
                        size="sm"
                        confirm={
                          a.archivedAt
                            ? undefined
                            : {
                                title: `Archive ${a.name}?`,
                                body: "It is sold no more. Subscriptions that hold it keep it and are billed for it until they remove it.",
                                confirmLabel: "Archive",
                                keepLabel: "Keep selling it",
                              }
                        }
                      />
                    </Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
        </Card>

        {all.length > 0 && (
          <Card id="edit">
            <CardHeader
              title="Edit an add-on"
              description="Rename it or reword its description in place, or make a new version with other terms."
            />
            <ul className="divide-y divide-zinc-100 border-t border-zinc-100">
              {all.map((a) => (
                <li key={a.id}>
                  <details className="group">
                    <summary className="cursor-pointer px-5 py-3 text-sm font-medium text-zinc-900 hover:bg-zinc-50 focus-visible:outline-2 focus-visible:outline-offset-[-2px] focus-visible:outline-brand-600">
                      {a.name} <span className="font-mono text-xs text-zinc-500">{a.code}</span>
                      {a.archivedAt && <span className="ml-2 text-xs text-zinc-500">(archived)</span>}
                    </summary>
                    <QuickForm
                      action={renameAddonAction}
                      submitLabel="Save name"
                      hidden={{ addon_id: a.id }}
                      fields={[
                        { name: "name", label: "Name", required: true, defaultValue: a.name },
                        { name: "description", label: "Description", defaultValue: a.description },
                      ]}
                    />
                    <p className="px-5 pt-3 text-sm text-zinc-600">
                      New version: other price, features, limits or credits. {a.name} is archived when it is created.
                    </p>
                    <QuickForm
                      action={createAddonAction}
                      submitLabel="Create new version"
                      hidden={{ replaces: a.id }}
                      fields={termFields(a)}
                    />
                  </details>
                </li>
              ))}
            </ul>
          </Card>
        )}

        <Card id="new">
          <CardHeader title="New add-on" description="A recurring add-on's interval and currency must be its plans'." />
          <QuickForm action={createAddonAction} submitLabel="Create add-on" fields={termFields()} />
        </Card>
      </div>
    </>
  );
}
