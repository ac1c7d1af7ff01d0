import { formatCard, formatCardExpiry } from "@/lib/format";
import type { Metadata } from "next";
import Link from "next/link";
import { QuickForm } from "@/components/catalog/quick-form";
import { ActionButton } from "@/components/ui/action-button";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { requireOwner } from "@/lib/auth/session";
import { listPaymentMethods } from "@/lib/payments/payment-methods";
import { addSandboxCardAction, defaultCardAction, removeCardAction } from "../actions";

export const metadata: Metadata = { title: "Payment methods (sandbox)" };

export default async function SandboxPortalPage() {
  const owner = await requireOwner();
  const methods = await listPaymentMethods(owner.orgId);
  return (
    <div className="space-y-6">
      <Card>
        <CardHeader
          title="Payment methods"
          description="Renewals are charged to the default card. Adding a card pays any open invoice at once."
        />
        <CardBody>
          {methods.length === 0 ? (
            <p className="text-sm text-zinc-500">No card on file yet.</p>
          ) : (
            <ul className="divide-y divide-zinc-100">
              {methods.map((m) => (
                <li key={m.id} className="flex items-center justify-between gap-2 py-2 text-sm">
                  <span>
                    {formatCard(m.brand, m.last4)}
                    {m.expMonth && m.expYear ? (
                      <span className="ml-2 text-zinc-500">expires {formatCardExpiry(m.expMonth, m.expYear)}</span>
                    ) : null}
                    {m.isDefault && (
                      <Badge tone="brand" className="ml-2">
                        default
                      </Badge>
                    )}
                    {m.declines && (
                      <Badge tone="red" className="ml-2">
                        declines
                      </Badge>
                    )}
                  </span>
                  <span className="flex gap-2">
                    {!m.isDefault && (
                      <ActionButton action={defaultCardAction} fields={{ id: m.id }} label="Make default" size="sm" />
                    )}
                    <ActionButton
                      action={removeCardAction}
                      fields={{ id: m.id }}
                      label="Remove"
                      size="sm"
                      variant="danger"
                      ariaLabel={`Remove card ending ${m.last4}`}
                      confirm={{
                        title: `Remove the card ending ${m.last4}?`,
                        body: m.isDefault ? (
                          <p>
                            It is your default card: renewals and open invoices cannot be charged until you add a card
                            or make another one the default.
                          </p>
                        ) : (
                          <p>Renewals keep using your default card.</p>
                        ),
                        confirmLabel: "Remove card",
                        keepLabel: "Keep the card",
                      }}
                    />
                  </span>
                </li>
              ))}
            </ul>
          )}
        </CardBody>
        <QuickForm
          action={addSandboxCardAction}
          submitLabel="Add card"
          fields={[
            {
              name: "card_number",
              label: "Card number",
              placeholder: "4242 4242 4242 4242",
              inputMode: "numeric",
              required: true,
            },
            { name: "expiry", label: "Expiry", placeholder: "MM / YY", defaultValue: "12 / 30", required: true },
          ]}
        />
      </Card>
      <p className="text-center text-sm">
        <Link href="/billing" className="font-medium text-brand-600 hover:text-brand-700">
          ← Back to billing
        </Link>
      </p>
    </div>
  );
}
