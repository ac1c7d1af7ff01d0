import type { Metadata } from "next";
import Link from "next/link";
import { EndpointCreateForm } from "@/components/outbound-webhooks/endpoint-create-form";
import { EndpointsTable } from "@/components/outbound-webhooks/endpoints-table";
import { Card, CardHeader } from "@/components/ui/card";
import { FocusedNotice } from "@/components/ui/focused-notice";
import { PageHeader } from "@/components/ui/page-header";
import { requireAdmin } from "@/lib/auth/session";
import { lastDeliveries, listEndpoints } from "@/lib/outbound-webhooks/endpoints";
import { createInstallationEndpoint } from "../actions";

export const metadata: Metadata = { title: "Outbound webhooks" };

export default async function AdminWebhookEndpointsPage({
  searchParams,
}: {
  searchParams: Promise<{ deleted?: string }>;
}) {
  await requireAdmin();
  const { deleted } = await searchParams;
  const endpoints = await listEndpoints(null);
  const last = await lastDeliveries(endpoints.map((e) => e.id));
  return (
    <>
      <PageHeader
        title="Outbound webhooks"
        description={
          <>
            The installation&apos;s endpoints: your own systems, told of every customer&apos;s events. A customer&apos;s
            endpoints are on its page. Incoming payment events are in the{" "}
            <Link href="/admin/webhooks" className="text-brand-600 underline hover:text-brand-700">
              webhook log
            </Link>
            .
          </>
        }
      />
      {deleted && (
        <FocusedNotice className="mb-6 rounded-md bg-zinc-50 px-3 py-2 text-sm text-zinc-700 ring-1 ring-inset ring-zinc-200">
          Endpoint deleted: it receives nothing more.
        </FocusedNotice>
      )}
      <div className="space-y-6">
        <Card>
          <CardHeader
            title="Add an endpoint"
            description="It receives the events of every customer. Its signing secret is shown once, after it is added."
          />
          <EndpointCreateForm
            action={createInstallationEndpoint}
            base="/admin/webhook-endpoints"
            urlHint="An http or https URL; the installation's endpoints may be on your private network."
          />
        </Card>
        <Card>
          <CardHeader title="Endpoints" />
          <EndpointsTable
            endpoints={endpoints}
            last={last}
            base="/admin/webhook-endpoints"
            empty="Add an endpoint above to have your own systems told when something happens to any customer."
          />
        </Card>
      </div>
    </>
  );
}
