// One endpoint's page, for its owner and for the admin: what it receives, its state, its secret, and
// its delivery log. Members (canManage false) read it without the buttons.
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { buttonClass } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import { PageHeader } from "@/components/ui/page-header";

import type { DeliveryWithLog, WebhookEndpoint } from "@/lib/outbound-webhooks/endpoints";
import { DeliveriesTable } from "./deliveries-table";
import { EndpointButtons, EventTypesForm, RotateSecretCard, type EndpointActions } from "./endpoint-controls";
import { eventTypesSummary } from "./endpoints-table";

export function EndpointView({
  endpoint: e,
  deliveries,
  nextCursor,
  listHref,
  listLabel,
  base,
  deliveryBase,
  actions,
  owner,
}: {
  endpoint: WebhookEndpoint;
  deliveries: DeliveryWithLog[];
  nextCursor: string | null;
  listHref: string;
  listLabel: string;
  /** This endpoint's URL ("/webhook-endpoints/whe_…"). */
  base: string;
  /** Where delivery pages live ("/webhook-deliveries"). */
  deliveryBase: string;
  /** Left out: read only. */
  actions?: EndpointActions;
  /** For the admin: whose endpoint this is. */
  owner?: React.ReactNode;
}) {
  const rotated =
    e.previousSecretExpiresAt && e.previousSecretExpiresAt > new Date()
      ? e.previousSecretExpiresAt.toISOString()
      : null;
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href={listHref} className="text-brand-600 hover:text-brand-700">
          ← {listLabel}
        </Link>
      </p>
      <PageHeader
        title={e.description || "Webhook endpoint"}
        description={<span className="break-all font-mono text-xs">{e.url}</span>}
        actions={actions ? <EndpointButtons endpoint={e} actions={actions} /> : undefined}
      />
      {e.status === "disabled" && (
        <div
          role="status"
          className="mb-6 rounded-lg bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-inset ring-amber-200"
        >
          <p className="font-medium">
            Disabled{e.disabledAt ? " " : ""}
            {e.disabledAt && <LocalTime value={e.disabledAt} />}: nothing is sent.
          </p>
          {e.disabledReason && <p className="mt-1">{e.disabledReason}</p>}
          {actions && (
            <p className="mt-1">
              Enable it to resume; deliveries that waited are sent then, and given-up ones can be replayed.
            </p>
          )}
        </div>
      )}
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-3">
        <Card>
          <CardHeader title="Endpoint" />
          <CardBody>
            <dl className="space-y-3 text-sm">
              <div>
                <dt className="text-zinc-500">Status</dt>
                <dd>
                  {e.status === "enabled" ? <Badge tone="green">enabled</Badge> : <Badge tone="red">disabled</Badge>}
                  {e.failingSince && e.status === "enabled" && (
                    <span className="ml-2 text-xs text-amber-800">
                      failing since <LocalTime value={e.failingSince} />
                    </span>
                  )}
                </dd>
              </div>
              {owner && (
                <div>
                  <dt className="text-zinc-500">Belongs to</dt>
                  <dd>{owner}</dd>
                </div>
              )}
              <div>
                <dt className="text-zinc-500">Events</dt>
                <dd>{eventTypesSummary(e.eventTypes)}</dd>
              </div>
              <div>
                <dt className="text-zinc-500">Last success</dt>
                <dd>{e.lastSuccessAt ? <LocalTime value={e.lastSuccessAt} /> : "never"}</dd>
              </div>
              <div>
                <dt className="text-zinc-500">Added</dt>
                <dd>
                  <LocalTime value={e.createdAt} />
                </dd>
              </div>
              <div>
                <dt className="text-zinc-500">Endpoint id</dt>
                <dd className="break-all font-mono text-xs">{e.id}</dd>
              </div>
            </dl>
          </CardBody>
        </Card>
        <Card className="lg:col-span-2">
          <CardHeader
            title="Event types"
            description={actions ? "What this endpoint receives. Changes apply to events from now on." : undefined}
          />
          {actions ? (
            <EventTypesForm endpointId={e.id} selected={e.eventTypes} action={actions.events} />
          ) : (
            <CardBody>
              <p className="text-sm text-zinc-700">{e.eventTypes.length ? e.eventTypes.join(", ") : "All events"}</p>
              <p className="mt-2 text-xs text-zinc-500">Only the organization&apos;s owner can change endpoints.</p>
            </CardBody>
          )}
        </Card>
        {actions && (
          <div className="lg:col-span-3">
            <RotateSecretCard endpointId={e.id} action={actions.rotate} previousExpiresAt={rotated} />
          </div>
        )}
        <Card className="lg:col-span-3">
          <CardHeader
            title="Deliveries"
            description="Newest first. Failed attempts are retried with backoff for 3 days; open one to see the request and response and to replay it."
          />
          <DeliveriesTable deliveries={deliveries} deliveryBase={deliveryBase} />
          {nextCursor && (
            <div className="flex justify-end border-t border-zinc-100 px-5 py-3">
              <Link className={buttonClass("secondary", "sm")} href={`${base}?cursor=${nextCursor}`}>
                Older deliveries
              </Link>
            </div>
          )}
        </Card>
      </div>
    </>
  );
}
