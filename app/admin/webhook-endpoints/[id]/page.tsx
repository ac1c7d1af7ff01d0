import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { EndpointView } from "@/components/outbound-webhooks/endpoint-view";
import { requireAdmin } from "@/lib/auth/session";
import { AppError } from "@/lib/http/errors";
import { findEndpoint, listDeliveries, type EndpointScope } from "@/lib/outbound-webhooks/endpoints";
import { findOrganization } from "@/lib/orgs/organizations";
import {
  deleteAdminEndpoint,
  rotateAdminEndpointSecret,
  sendAdminTestEvent,
  setAdminEndpointEnabled,
  updateAdminEndpointEvents,
} from "../actions";

export const metadata: Metadata = { title: "Webhook endpoint" };

const scope: EndpointScope = { kind: "operator" };

export default async function AdminWebhookEndpointPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ cursor?: string }>;
}) {
  await requireAdmin();
  const [{ id }, { cursor }] = await Promise.all([params, searchParams]);
  const endpoint = await findEndpoint(scope, id).catch((e) => (e instanceof AppError ? null : Promise.reject(e)));
  if (!endpoint) notFound();
  const [page, org] = await Promise.all([
    listDeliveries(scope, id, { limit: 50, cursor }),
    endpoint.orgId ? findOrganization({ id: endpoint.orgId }) : null,
  ]);
  return (
    <EndpointView
      endpoint={endpoint}
      deliveries={page.data}
      nextCursor={page.nextCursor}
      listHref={org ? `/admin/customers/${org.id}` : "/admin/webhook-endpoints"}
      listLabel={org ? org.name : "Outbound webhooks"}
      base={`/admin/webhook-endpoints/${id}`}
      deliveryBase="/admin/webhook-deliveries"
      owner={
        org ? (
          <Link href={`/admin/customers/${org.id}`} className="text-brand-600 hover:text-brand-700">
            {org.name}
          </Link>
        ) : (
          "The installation (every customer's events)"
        )
      }
      actions={{
        test: sendAdminTestEvent,
        setEnabled: setAdminEndpointEnabled,
        rotate: rotateAdminEndpointSecret,
        remove: deleteAdminEndpoint,
        events: updateAdminEndpointEvents,
      }}
    />
  );
}
