import type { Metadata } from "next";
import Link from "next/link";
import { EndpointCreateForm } from "@/components/outbound-webhooks/endpoint-create-form";
import { EndpointsTable } from "@/components/outbound-webhooks/endpoints-table";
import { Card, CardHeader } from "@/components/ui/card";
import { FocusedNotice } from "@/components/ui/focused-notice";
import { PageHeader } from "@/components/ui/page-header";
import { requireCustomer } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { lastDeliveries, listEndpoints } from "@/lib/outbound-webhooks/endpoints";
import { createCustomerEndpoint } from "../actions";

export const metadata: Metadata = { title: "Webhooks" };

export default async function WebhookEndpointsPage({ searchParams }: { searchParams: Promise<{ deleted?: string }> }) {
  const user = await requireCustomer();
  const { deleted } = await searchParams;
  const endpoints = await listEndpoints(user.orgId);
  const last = await lastDeliveries(endpoints.map((e) => e.id));
  const canManage = user.role === "owner";
  return (
    <>
      <PageHeader
        title="Webhooks"
        description={
          <>
            Tally POSTs events (invoices, subscriptions, credits, usage alerts) to your endpoints, signed by the{" "}
            <a
              href="https://www.standardwebhooks.com"
              className="text-brand-600 underline hover:text-brand-700"
              rel="noreferrer"
            >
              Standard Webhooks
            </a>{" "}
            scheme. Also in the{" "}
            <Link href="/docs" className="text-brand-600 underline hover:text-brand-700">
              API
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
        {canManage && (
          <Card>
            <CardHeader
              title="Add an endpoint"
              description="Its signing secret is shown once, after it is added. Store it with your receiver."
            />
            <EndpointCreateForm
              action={createCustomerEndpoint}
              base="/webhook-endpoints"
              urlHint={
                env().WEBHOOK_ALLOW_PRIVATE_URLS
                  ? "An http or https URL."
                  : "A public http or https URL (private and loopback addresses are refused)."
              }
            />
          </Card>
        )}
        <Card>
          <CardHeader
            title="Endpoints"
            description={canManage ? undefined : "Only the organization's owner can add or change endpoints."}
          />
          <EndpointsTable
            endpoints={endpoints}
            last={last}
            base="/webhook-endpoints"
            empty={
              canManage
                ? "Add an endpoint above to have your systems told when something happens."
                : "Your organization's owner can add one."
            }
          />
        </Card>
      </div>
    </>
  );
}
