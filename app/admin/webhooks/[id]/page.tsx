import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ActionButton } from "@/components/ui/action-button";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import { PageHeader } from "@/components/ui/page-header";
import { requireAdmin } from "@/lib/auth/session";
import { getWebhookEvent } from "@/lib/webhooks/queries";
import { replayWebhookAction } from "../actions";

export const metadata: Metadata = { title: "Webhook event" };

const TONE = { processed: "green", failed: "red", received: "amber", ignored: "gray" } as const;

/** One event of the webhook log: what was received (the payload, pretty-printed) and what processing did. */
export default async function WebhookEventPage({ params }: { params: Promise<{ id: string }> }) {
  await requireAdmin();
  const { id } = await params;
  const e = await getWebhookEvent(id);
  if (!e) notFound();
  const facts: [string, React.ReactNode][] = [
    [
      "Status",
      <Badge key="s" tone={TONE[e.status]}>
        {e.status}
      </Badge>,
    ],
    ["Provider", e.provider],
    [
      "Customer",
      e.orgId ? (
        <Link key="c" href={`/admin/customers/${e.orgId}`} className="text-brand-600 hover:text-brand-700">
          {e.orgName ?? e.orgId}
        </Link>
      ) : (
        "—"
      ),
    ],
    ["Received", <LocalTime key="r" value={e.receivedAt} />],
    ["Processed", e.processedAt ? <LocalTime key="p" value={e.processedAt} /> : "not yet"],
    ["Attempts", String(e.attempts)],
  ];
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/admin/webhooks" className="text-brand-600 hover:text-brand-700">
          ← Webhook log
        </Link>
      </p>
      <PageHeader
        title={e.type}
        description={<span className="break-all font-mono text-xs">{e.id}</span>}
        actions={
          e.provider === "stripe" ? (
            <ActionButton
              action={replayWebhookAction}
              fields={{ id: e.id }}
              label="Replay"
              ariaLabel={`Replay ${e.id}`}
            />
          ) : undefined
        }
      />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-3">
        <Card>
          <CardHeader title="Processing" />
          <CardBody>
            <dl className="space-y-3 text-sm">
              {facts.map(([k, v]) => (
                <div key={k}>
                  <dt className="text-zinc-500">{k}</dt>
                  <dd className="text-zinc-900">{v}</dd>
                </div>
              ))}
              {e.lastError && (
                <div>
                  <dt className="text-zinc-500">Last error</dt>
                  <dd className="break-words text-red-600">{e.lastError}</dd>
                </div>
              )}
            </dl>
          </CardBody>
        </Card>
        <Card className="lg:col-span-2">
          <CardHeader title="Payload" description="As received and stored, before processing." />
          <pre
            tabIndex={0}
            aria-label="Event payload (JSON)"
            data-testid="webhook-payload"
            className="max-h-[70vh] overflow-auto border-t border-zinc-100 bg-zinc-50 px-5 py-4 font-mono text-xs leading-relaxed text-zinc-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-500"
          >
            {JSON.stringify(e.payload, null, 2)}
          </pre>
        </Card>
      </div>
    </>
  );
}
