import type { Metadata } from "next";
import Link from "next/link";
import { ActionButton } from "@/components/ui/action-button";
import { Badge } from "@/components/ui/badge";
import { buttonClass } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { LocalTime } from "@/components/ui/local-time";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td, Th } from "@/components/ui/table";
import { requireAdmin } from "@/lib/auth/session";
import { WEBHOOK_STATUSES, type WebhookStatus } from "@/lib/db/schema/webhooks";
import { env } from "@/lib/env";
import { listWebhookEvents } from "@/lib/webhooks/queries";
import { replayWebhookAction } from "../actions";

export const metadata: Metadata = { title: "Webhook log" };

const TONE = { processed: "green", failed: "red", received: "amber", ignored: "gray" } as const;

export default async function WebhooksPage({
  searchParams,
}: {
  searchParams: Promise<{ status?: string; cursor?: string }>;
}) {
  await requireAdmin();
  const sp = await searchParams;
  const status = (WEBHOOK_STATUSES as readonly string[]).includes(sp.status ?? "")
    ? (sp.status as WebhookStatus)
    : undefined;
  const page = await listWebhookEvents({ status, cursor: sp.cursor, limit: 50 });
  const configured = Boolean(env().STRIPE_WEBHOOK_SECRET);
  return (
    <>
      <PageHeader
        title="Webhook log"
        description={
          configured
            ? "Every event Stripe sent, stored once by its id, with what processing did. Open an event to read its payload; failed events can be replayed."
            : "Stripe webhooks are off (STRIPE_WEBHOOK_SECRET is unset). The local sandbox's events are listed here as they happen; open one to read its payload."
        }
      />
      <nav aria-label="Filter by status" className="mb-4 flex flex-wrap gap-2">
        {["all", ...WEBHOOK_STATUSES].map((s) => (
          <Link
            key={s}
            href={s === "all" ? "/admin/webhooks" : `/admin/webhooks?status=${s}`}
            aria-current={(status ?? "all") === s ? "page" : undefined}
            className={buttonClass((status ?? "all") === s ? "primary" : "secondary", "sm")}
          >
            {s}
          </Link>
        ))}
      </nav>
      <Card>
        <CardHeader title="Events" />
        {page.data.length === 0 ? (
          <EmptyState title={status ? `No ${status} events` : "No events yet"}>
            Events appear as payments happen.
          </EmptyState>
        ) : (
          <Table>
            <thead>
              <tr>
                <Th>Received</Th>
                <Th>Event</Th>
                <Th>Customer</Th>
                <Th>Status</Th>
                <Th />
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100">
              {page.data.map((e) => (
                <tr key={e.id} className="align-top">
                  <Td>
                    <LocalTime value={e.receivedAt} />
                  </Td>
                  <Td>
                    <Link
                      href={`/admin/webhooks/${e.id}`}
                      className="font-mono text-xs text-brand-700 underline-offset-2 hover:underline"
                      aria-label={`${e.type}: open the event and its payload`}
                    >
                      {e.type}
                    </Link>
                    <div className="font-mono text-xs text-zinc-500">
                      {e.id} · {e.provider}
                    </div>
                  </Td>
                  <Td>{e.orgName ?? "—"}</Td>
                  <Td wrap className="max-w-sm">
                    <Badge tone={TONE[e.status]}>{e.status}</Badge>
                    {e.attempts > 1 && <span className="ml-2 text-xs text-zinc-500">{e.attempts} attempts</span>}
                    {e.lastError && <div className="mt-1 text-xs text-red-600">{e.lastError}</div>}
                  </Td>
                  <Td align="right">
                    {e.provider === "stripe" && (
                      <ActionButton
                        action={replayWebhookAction}
                        fields={{ id: e.id }}
                        label="Replay"
                        size="sm"
                        ariaLabel={`Replay ${e.id}`}
                      />
                    )}
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
        {page.nextCursor && (
          <div className="flex justify-end border-t border-zinc-100 px-5 py-3">
            <Link
              className={buttonClass("secondary", "sm")}
              href={`/admin/webhooks?${new URLSearchParams({ ...(status ? { status } : {}), cursor: page.nextCursor })}`}
            >
              Older events
            </Link>
          </div>
        )}
      </Card>
    </>
  );
}
