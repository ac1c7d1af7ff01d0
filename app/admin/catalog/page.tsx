import type { Metadata } from "next";
import { CutText } from "@/components/ui/cut-text";
import { QuickForm } from "@/components/catalog/quick-form";
import { ActionButton } from "@/components/ui/action-button";
import { Badge } from "@/components/ui/badge";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { requireAdmin } from "@/lib/auth/session";
import { listCreditEvents, listCreditProducts } from "@/lib/catalog/credit-events";
import { listFeatures } from "@/lib/catalog/features";
import { listMeters } from "@/lib/catalog/meters";
import { listModelPrices } from "@/lib/catalog/model-prices";
import { formatDate, formatInteger, formatMoney, formatUnitPrice } from "@/lib/format";
import {
  archiveFeatureAction,
  createFeatureAction,
  renameFeatureAction,
  createCreditEventAction,
  createCreditProductAction,
  createMeterAction,
  createModelPriceAction,
  toggleCreditEventAction,
} from "./actions";

export const metadata: Metadata = { title: "Catalog" };

export default async function CatalogPage() {
  await requireAdmin();
  const [meters, features, events, packs, prices] = await Promise.all([
    listMeters({ includeArchived: true }),
    listFeatures({ includeArchived: true }),
    listCreditEvents(),
    listCreditProducts({ includeInactive: true }),
    listModelPrices(),
  ]);
  return (
    <>
      <PageHeader
        title="Catalog"
        description="Meters turn usage events into quantities; credit events price work in credits; credit packs are sold; model prices are what AI providers charge you."
      />
      <div className="space-y-6">
        <Card id="meters">
          <CardHeader
            title="Meters"
            description="Definitions are fixed once created (they shape the rollups written at ingest); create a new meter to change one."
          />
          {meters.length === 0 ? (
            <EmptyState title="No meters yet">Create one below, e.g. a count of api_call events.</EmptyState>
          ) : (
            <Table>
              <thead>
                <tr>
                  <Th>Meter</Th>
                  <Th>Event</Th>
                  <Th>Aggregation</Th>
                  <Th>Group by</Th>
                  <Th>Unit</Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100">
                {meters.map((m) => (
                  <tr key={m.id}>
                    {/* Codes and event names are the senders': long ones are cut, whole on hover. */}
                    <Td>
                      <CutText text={m.name} className="max-w-[16rem] font-medium text-zinc-900" />
                      <CutText text={m.code} className="max-w-[16rem] font-mono text-xs text-zinc-500" />
                    </Td>
                    <Td className="font-mono text-xs">
                      <CutText text={m.eventName} className="max-w-[14rem]" />
                    </Td>
                    <Td>
                      {m.aggregation}
                      {m.property && <span className="font-mono text-xs text-zinc-500"> of {m.property}</span>}
                      {m.allowNegative && <span className="text-xs text-zinc-500"> (negatives accepted)</span>}
                    </Td>
                    <Td className="font-mono text-xs">{m.groupBy.join(", ") || "—"}</Td>
                    <Td>{m.unit}</Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
          <QuickForm
            action={createMeterAction}
            submitLabel="Create meter"
            fields={[
              { name: "code", label: "Code", placeholder: "voice_minutes", required: true },
              { name: "name", label: "Name", placeholder: "Voice minutes", required: true },
              { name: "event_name", label: "Event name", placeholder: "voice_call", required: true },
              {
                name: "aggregation",
                label: "Aggregation",
                options: ["count", "sum", "max", "unique_count", "latest"].map((v) => ({ value: v, label: v })),
              },
              { name: "property", label: "Property", placeholder: "duration_minutes", hint: "Not for count." },
              { name: "group_by", label: "Group by", placeholder: "model", hint: "Comma-separated." },
              { name: "unit", label: "Unit", placeholder: "minute" },
              {
                name: "allow_negative",
                label: "Negative values",
                options: [
                  { value: "false", label: "refused" },
                  { value: "true", label: "accepted (corrections)" },
                ],
                hint: "Sum meters only.",
              },
            ]}
          />
        </Card>

        <Card id="features">
          <CardHeader
            title="Features"
            description="What plans grant: on/off (SSO), a number (seats), or a metered limit (its key is a meter's code; plans set it as a limit). Grant them in the plan editor; clients check them with GET /api/v1/entitlements/{feature}."
          />
          {features.length === 0 ? (
            <EmptyState title="No features yet">Create one below, e.g. sso (on/off) or seats (a number).</EmptyState>
          ) : (
            <Table>
              <thead>
                <tr>
                  <Th>Feature</Th>
                  <Th>Kind</Th>
                  <Th>Status</Th>
                  <Th />
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100">
                {features.map((f) => (
                  <tr key={f.id}>
                    <Td>
                      <span className="font-medium text-zinc-900">{f.name}</span>
                      <div className="font-mono text-xs text-zinc-500">{f.key}</div>
                    </Td>
                    <Td>
                      {f.kind === "boolean" ? "on/off" : f.kind}
                      {f.unit && <span className="text-xs text-zinc-500"> ({f.unit})</span>}
                    </Td>
                    <Td>{f.archivedAt ? <Badge>archived</Badge> : <Badge tone="green">active</Badge>}</Td>
                    <Td align="right">
                      <ActionButton
                        action={archiveFeatureAction}
                        fields={{ key: f.key, archived: String(!f.archivedAt) }}
                        label={f.archivedAt ? "Restore" : "Archive"}
                        size="sm"
                        ariaLabel={`${f.archivedAt ? "Restore" : "Archive"} ${f.key}`}
                      />
                    </Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
          <QuickForm
            action={createFeatureAction}
            submitLabel="Create feature"
            fields={[
              { name: "key", label: "Key", placeholder: "sso", required: true },
              { name: "name", label: "Name", placeholder: "Single sign-on", required: true },
              {
                name: "kind",
                label: "Kind",
                options: [
                  { value: "boolean", label: "on/off" },
                  { value: "numeric", label: "number" },
                  { value: "metered", label: "metered (a meter's code)" },
                ],
              },
              { name: "unit", label: "Unit", placeholder: "seat", hint: "Numbers only." },
            ]}
          />
          {features.length > 0 && (
            <QuickForm
              action={renameFeatureAction}
              submitLabel="Rename feature"
              fields={[
                {
                  name: "key",
                  label: "Feature",
                  options: features.map((f) => ({ value: f.key, label: `${f.name} (${f.key})` })),
                },
                { name: "name", label: "New name", required: true },
              ]}
            />
          )}
        </Card>

        <Card id="credit-events">
          <CardHeader title="Credit events" description="What one unit of work costs in credits." />
          {events.length === 0 ? (
            <EmptyState title="No credit events yet" />
          ) : (
            <Table>
              <thead>
                <tr>
                  <Th>Event</Th>
                  <Th>Category</Th>
                  <Th align="right">Credits</Th>
                  <Th>Status</Th>
                  <Th />
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100">
                {events.map((e) => (
                  <tr key={e.id}>
                    <Td>
                      <span className="font-medium text-zinc-900">{e.name}</span>
                      <div className="font-mono text-xs text-zinc-500">{e.code}</div>
                    </Td>
                    <Td>{e.category}</Td>
                    <Td align="right">{formatInteger(e.credits)}</Td>
                    <Td>{e.active ? <Badge tone="green">active</Badge> : <Badge>inactive</Badge>}</Td>
                    <Td align="right">
                      <ActionButton
                        action={toggleCreditEventAction}
                        fields={{ code: e.code, active: String(!e.active) }}
                        label={e.active ? "Deactivate" : "Activate"}
                        size="sm"
                        ariaLabel={`${e.active ? "Deactivate" : "Activate"} ${e.code}`}
                      />
                    </Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
          <QuickForm
            action={createCreditEventAction}
            submitLabel="Create credit event"
            fields={[
              { name: "code", label: "Code", placeholder: "ai_inference", required: true },
              { name: "name", label: "Name", placeholder: "AI inference", required: true },
              { name: "credits", label: "Credits per unit", inputMode: "numeric", required: true },
              { name: "category", label: "Category", placeholder: "ai" },
            ]}
          />
        </Card>

        <Card id="credit-packs">
          <CardHeader title="Credit packs" description="Sold to customers; purchased credits never expire." />
          {packs.length === 0 ? (
            <EmptyState title="No credit packs yet" />
          ) : (
            <Table>
              <thead>
                <tr>
                  <Th>Pack</Th>
                  <Th align="right">Credits</Th>
                  <Th align="right">Price</Th>
                  <Th align="right">Per 1,000 credits</Th>
                  <Th>Status</Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100">
                {packs.map((p) => (
                  <tr key={p.id}>
                    <Td>
                      <span className="font-medium text-zinc-900">{p.name}</span>
                      <div className="font-mono text-xs text-zinc-500">{p.code}</div>
                    </Td>
                    <Td align="right">{formatInteger(p.credits)}</Td>
                    <Td align="right">{formatMoney(p.priceCents, p.currency)}</Td>
                    <Td align="right">{formatMoney(Math.round((p.priceCents * 1000) / p.credits), p.currency)}</Td>
                    <Td>{p.active ? <Badge tone="green">for sale</Badge> : <Badge>off sale</Badge>}</Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
          <QuickForm
            action={createCreditProductAction}
            submitLabel="Create credit pack"
            fields={[
              { name: "code", label: "Code", placeholder: "credits-10k", required: true },
              { name: "name", label: "Name", placeholder: "10,000 credits", required: true },
              { name: "credits", label: "Credits", inputMode: "numeric", required: true },
              { name: "price", label: "Price", placeholder: "90.00", inputMode: "decimal", required: true },
            ]}
          />
        </Card>

        <Card id="model-prices">
          <CardHeader
            title="Model prices"
            description="Provider cost per token, from a date on: the cost side of the usage you resell."
          />
          {prices.length === 0 ? (
            <EmptyState title="No model prices yet" />
          ) : (
            <Table>
              <thead>
                <tr>
                  <Th>Model</Th>
                  <Th align="right">Input / token</Th>
                  <Th align="right">Output / token</Th>
                  <Th>From</Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100">
                {prices.map((m) => (
                  <tr key={m.id}>
                    <Td>
                      <span className="font-medium text-zinc-900">{m.model}</span>
                      <div className="text-xs text-zinc-500">{m.provider}</div>
                    </Td>
                    <Td align="right">{formatUnitPrice(m.inputPricePerToken, m.currency, "token")}</Td>
                    <Td align="right">{formatUnitPrice(m.outputPricePerToken, m.currency, "token")}</Td>
                    <Td>{formatDate(m.effectiveFrom)}</Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
          <QuickForm
            action={createModelPriceAction}
            submitLabel="Record price"
            fields={[
              { name: "provider", label: "Provider", placeholder: "openai", required: true },
              { name: "model", label: "Model", placeholder: "gpt-4", required: true },
              {
                name: "input_price_per_token",
                label: "Input price per token",
                placeholder: "0.00003",
                inputMode: "decimal",
                required: true,
              },
              {
                name: "output_price_per_token",
                label: "Output price per token",
                placeholder: "0.00006",
                inputMode: "decimal",
                required: true,
              },
              { name: "effective_from", label: "Effective from", type: "date" },
            ]}
          />
        </Card>
      </div>
    </>
  );
}
