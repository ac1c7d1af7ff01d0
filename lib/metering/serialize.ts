// How ingest outcomes and stored events travel: FlexPrice's flat answers (the FlexPrice SDK checks
// that a 202 body is a flat object of string values), the per-item list asked for with
// `Prefer: return=representation`, and Lago's {"event": …} / {"events": [...]}.
import { AppError } from "@/lib/http/errors";
import type { RequestLike } from "@/lib/http/route";
import type { IngestSummary, ItemOutcome } from "./ingest-events";
import type { StoredEvent } from "./list-events";
import type { BulkReplyJson, FlexEventReplyJson, ItemOutcomeJson, LagoEventJson, StoredEventJson } from "./schemas";

export function wantsRepresentation(req: RequestLike): boolean {
  return /return=representation/i.test(req.headers.get("prefer") ?? "");
}

export function itemJson(o: ItemOutcome): ItemOutcomeJson {
  return {
    index: o.index,
    status: o.status,
    event_id: o.eventId,
    ...(o.id ? { id: o.id } : {}),
    ...(o.idGenerated ? { id_generated: true } : {}),
    ...(o.eventName ? { event_name: o.eventName } : {}),
    ...(o.orgId ? { customer_id: o.orgId } : {}),
    ...(o.error ? { error: { field: o.error.field, message: o.error.message } } : {}),
  };
}

/** A single event's rejection as the error the API answers: 403 for another customer, 409 for an id reused with other content, else 400. */
export function rejectionError(o: ItemOutcome): AppError {
  const details = o.error ? [o.error] : undefined;
  const text = o.error ? `${o.error.field}: ${o.error.message}` : "The event was rejected.";
  if (o.reason === "forbidden") return new AppError("forbidden", text, details);
  if (o.reason === "conflict") return new AppError("idempotency_conflict", text, details);
  return new AppError("validation_error", text, details);
}

export function flexSingleBody(o: ItemOutcome, representation: boolean): FlexEventReplyJson | ItemOutcomeJson {
  if (representation) return itemJson(o);
  return { event_id: o.eventId ?? "", message: o.status };
}

export function bulkBody(s: IngestSummary, representation: boolean): BulkReplyJson {
  const message = `${s.accepted} accepted, ${s.duplicate} duplicate, ${s.rejected} rejected`;
  if (representation)
    return {
      message,
      accepted: s.accepted,
      duplicate: s.duplicate,
      rejected: s.rejected,
      events: s.outcomes.map(itemJson),
    };
  return { message, accepted: String(s.accepted), duplicate: String(s.duplicate), rejected: String(s.rejected) };
}

/** One item in Lago's event shape, with its outcome. */
export function lagoEventJson(o: ItemOutcome, raw: unknown): LagoEventJson {
  const r = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
  return {
    lago_id: o.id ?? null,
    transaction_id: o.eventId ?? (typeof r.transaction_id === "string" ? r.transaction_id : null),
    lago_customer_id: o.orgId ?? null,
    external_customer_id:
      o.externalCustomerId ?? (typeof r.external_customer_id === "string" ? r.external_customer_id : null),
    lago_subscription_id: o.subscriptionId ?? null,
    external_subscription_id: typeof r.external_subscription_id === "string" ? r.external_subscription_id : null,
    code: o.eventName ?? (typeof r.code === "string" ? r.code : null),
    timestamp: o.timestamp ? o.timestamp.toISOString() : null,
    properties:
      o.properties ??
      (typeof r.properties === "object" && r.properties !== null ? (r.properties as Record<string, unknown>) : {}),
    created_at: o.status === "accepted" ? new Date().toISOString() : null,
    status: o.status,
    ...(o.error ? { error: { field: o.error.field, message: o.error.message } } : {}),
  };
}

export function storedEventJson(e: StoredEvent, externalCustomerId: string | null): StoredEventJson {
  return {
    id: e.id,
    event_id: e.eventId,
    event_name: e.eventName,
    customer_id: e.orgId,
    external_customer_id: externalCustomerId,
    subscription_id: e.subscriptionId,
    timestamp: e.timestamp.toISOString(),
    ingested_at: e.ingestedAt.toISOString(),
    source: e.source,
    properties: e.properties,
    id_generated: e.idGenerated,
    status: "accepted" as const,
  };
}
