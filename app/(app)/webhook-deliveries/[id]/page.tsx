import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { DeliveryDetailView } from "@/components/outbound-webhooks/delivery-detail";
import { ActionButton } from "@/components/ui/action-button";
import { PageHeader } from "@/components/ui/page-header";
import { requireCustomer } from "@/lib/auth/session";
import { AppError } from "@/lib/http/errors";
import { findDelivery } from "@/lib/outbound-webhooks/endpoints";
import { replayCustomerDelivery } from "../../webhook-endpoints/actions";

export const metadata: Metadata = { title: "Webhook delivery" };

export default async function WebhookDeliveryPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireCustomer();
  const { id } = await params;
  const d = await findDelivery({ kind: "customer", orgId: user.orgId }, id).catch((e) =>
    e instanceof AppError ? null : Promise.reject(e),
  );
  if (!d) notFound();
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href={`/webhook-endpoints/${d.endpointId}`} className="text-brand-600 hover:text-brand-700">
          ← {d.endpoint.description || d.endpoint.url}
        </Link>
      </p>
      <PageHeader
        title={d.eventType}
        description={`Delivery ${d.id}`}
        actions={
          user.role === "owner" ? (
            <ActionButton
              action={replayCustomerDelivery}
              fields={{ id: d.id }}
              label="Replay"
              variant="primary"
              ariaLabel={`Replay ${d.eventType}`}
            />
          ) : undefined
        }
      />
      <DeliveryDetailView d={d} />
    </>
  );
}
