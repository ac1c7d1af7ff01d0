// The admin customer page's overrides: the prices as they stand now (custom ones marked), a form per
// kind of override, and the history — who gave what, why, for when, and who revoked it.
import { QuickForm, type QuickField } from "@/components/catalog/quick-form";
import { CustomBadge } from "@/components/billing/plan-summary";
import { ActionButton } from "@/components/ui/action-button";
import { Badge } from "@/components/ui/badge";
import { CardBody } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { LocalTime } from "@/components/ui/local-time";
import { Table, Td, Th } from "@/components/ui/table";
import { formatDate } from "@/lib/format";
import type { FormActionFn } from "@/lib/http/action-state";
import type { CustomerOverridesView } from "@/lib/overrides/admin-view";

const span: QuickField[] = [
  { name: "reason", label: "Reason", placeholder: "contract, pilot, goodwill…", required: true },
  { name: "starts", label: "Starts (UTC)", type: "date", hint: "Empty: now" },
  { name: "ends", label: "Until (UTC)", type: "date", hint: "Empty: until revoked" },
];

const STATUS_TONE = { scheduled: "blue", active: "green", ended: "gray", revoked: "red" } as const;

export function OverridesCard<T, U>({
  orgId,
  view,
  createAction,
  revokeAction,
}: {
  orgId: string;
  view: CustomerOverridesView;
  createAction: FormActionFn<T>;
  revokeAction: FormActionFn<U>;
}) {
  const forms: { title: string; kind: string; submit: string; fields: QuickField[] }[] = [
    {
      title: "Custom price for a metered charge",
      kind: "charge_price",
      submit: "Save custom price",
      fields: [
        { name: "target", label: "Meter", options: view.meterOptions },
        {
          name: "model",
          label: "Price model",
          options: [
            { value: "per_unit", label: "Per unit" },
            { value: "package", label: "Package" },
            { value: "graduated", label: "Graduated tiers" },
            { value: "volume", label: "Volume tiers" },
          ],
        },
        { name: "price", label: "Price", placeholder: "0.02", inputMode: "decimal", hint: "A unit's, or a package's" },
        { name: "package_size", label: "Package size", inputMode: "numeric", hint: "Package model only" },
        { name: "tiers", label: "Tiers", placeholder: "1000 @ 0.01, rest @ 0.005", hint: "Tier models only" },
        { name: "included", label: "Included units", inputMode: "decimal", hint: "Free each period" },
        ...span,
      ],
    },
    {
      title: "Feature value or limit",
      kind: "feature",
      submit: "Save feature override",
      fields: [
        { name: "target", label: "Feature", options: view.featureOptions },
        { name: "value", label: "Value", placeholder: "on, off, 5, or unlimited", required: true },
        {
          name: "enforcement",
          label: "Limit enforcement",
          options: [
            { value: "hard", label: "Hard (refuse past it)" },
            { value: "soft", label: "Soft (bill past it)" },
          ],
        },
        ...span,
      ],
    },
    {
      title: "Included credits",
      kind: "included_credits",
      submit: "Save included credits",
      fields: [{ name: "value", label: "Credits a month", inputMode: "numeric", required: true }, ...span],
    },
    {
      title: "Trial length",
      kind: "trial_days",
      submit: "Save trial length",
      fields: [{ name: "value", label: "Trial days", inputMode: "numeric", required: true }, ...span],
    },
  ];
  return (
    <>
      <CardBody>
        <h3 className="text-sm font-medium text-zinc-900">Usage prices now</h3>
        {view.prices.length === 0 ? (
          <p className="mt-1 text-sm text-zinc-500">
            {view.terms ? "The plan has no metered charges." : "No plan: subscribe the customer first."}
          </p>
        ) : (
          <ul className="mt-2 space-y-1 text-sm" data-testid="override-prices">
            {view.prices.map((p) => (
              <li key={p.meter} className="break-words text-zinc-700">
                <span className="font-medium text-zinc-900">{p.name}</span>: {p.price}
                {p.custom && <CustomBadge />}
              </li>
            ))}
          </ul>
        )}
      </CardBody>
      {forms.map((f) => (
        <details key={f.kind} className="border-t border-zinc-200">
          <summary className="cursor-pointer px-5 py-3 text-sm font-medium text-brand-600 hover:text-brand-700">
            {f.title}
          </summary>
          <QuickForm
            action={createAction}
            submitLabel={f.submit}
            hidden={{ org_id: orgId, kind: f.kind }}
            fields={f.fields}
          />
        </details>
      ))}
      <div className="border-t border-zinc-200">
        {view.history.length === 0 ? (
          <EmptyState title="No overrides">This customer pays the plan&apos;s prices and gets its terms.</EmptyState>
        ) : (
          <Table label="Overrides and their history">
            <thead>
              <tr>
                <Th>Given</Th>
                <Th>Override</Th>
                <Th>Applies</Th>
                <Th>Status</Th>
                <Th>
                  <span className="sr-only">Actions</span>
                </Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {view.history.map((o) => (
                <tr key={o.id} data-testid="override-row">
                  <Td wrap>
                    <LocalTime value={o.createdAt} />
                    <div className="text-xs text-zinc-500">by {o.createdBy}</div>
                  </Td>
                  <Td wrap>
                    {o.kind}
                    {o.target && <span className="font-mono text-xs"> {o.target}</span>}: {o.value}
                    <div className="text-xs text-zinc-500">{o.reason}</div>
                  </Td>
                  <Td wrap>
                    {formatDate(o.startsAt)} – {o.endsAt ? formatDate(o.endsAt) : "until revoked"}
                  </Td>
                  <Td wrap>
                    <Badge tone={STATUS_TONE[o.status]}>{o.status}</Badge>
                    {o.revokedAt && (
                      <div className="text-xs text-zinc-500">
                        revoked {formatDate(o.revokedAt)} by {o.revokedBy}
                      </div>
                    )}
                  </Td>
                  <Td>
                    {/* Stays mounted once revoked, so the outcome of revoking stays on screen. */}
                    {o.status !== "ended" && (
                      <ActionButton
                        action={revokeAction}
                        fields={{ org_id: orgId, override_id: o.id }}
                        label="Revoke"
                        pendingLabel="Revoking…"
                        size="sm"
                        finished={o.status === "revoked"}
                        confirm={{
                          title: `Revoke this ${o.kind.toLowerCase()} override?`,
                          body: "It stops applying now; the plan's terms apply again. It stays in the history.",
                          confirmLabel: "Revoke",
                          keepLabel: "Keep it",
                        }}
                      />
                    )}
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </div>
    </>
  );
}
