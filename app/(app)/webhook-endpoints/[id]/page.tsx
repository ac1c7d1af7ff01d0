import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { EndpointView } from "@/components/outbound-webhooks/endpoint-view";
import { requireCustomer } from "@/lib/auth/session";
import { AppError } from "@/lib/http/errors";
import { findEndpoint, listDeliveries, type EndpointScope } from "@/lib/outbound-webhooks/endpoints";
import {
  deleteCustomerEndpoint,
  rotateCustomerEndpointSecret,
  sendCustomerTestEvent,
  setCustomerEndpointEnabled,
  updateCustomerEndpointEvents,
} from "../actions";

export const metadata: Metadata = { title: "Webhook endpoint" };

export default async function WebhookEndpointPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ cursor?: string }>;
}) {
  const user = await requireCustomer();
  const [{ id }, { cursor }] = await Promise.all([params, searchParams]);
  const scope: EndpointScope = { kind: "customer", orgId: user.orgId };
  // Another customer's endpoint is "not found", as an unknown one.
  const endpoint = await findEndpoint(scope, id).catch((e) => (e instanceof AppError ? null : Promise.reject(e)));
  if (!endpoint) notFound();
  const page = await listDeliveries(scope, id, { limit: 50, cursor });
  return (
    <EndpointView
      endpoint={endpoint}
      deliveries={page.data}
      nextCursor={page.nextCursor}
      listHref="/webhook-endpoints"
      listLabel="Webhooks"
      base={`/webhook-endpoints/${id}`}
      deliveryBase="/webhook-deliveries"
      actions={
        user.role === "owner"
          ? {
              test: sendCustomerTestEvent,
              setEnabled: setCustomerEndpointEnabled,
              rotate: rotateCustomerEndpointSecret,
              remove: deleteCustomerEndpoint,
              events: updateCustomerEndpointEvents,
            }
          : undefined
      }
    />
  );
}
