import type { Operation } from "@/lib/http/openapi";
import { ZBillingUsageQuery, ZBulkDoc, ZEntitlementQuery, ZEventList, ZLagoBatchDoc, ZSingleEventDoc, ZUsageQuery, ZUsageSummaryQuery } from "./schemas";

const OUTCOMES =
  "Every item gets its own outcome: `accepted` (stored and counted), `duplicate` (its id was recorded before: counted once, when it first arrived; a retry is always safe) or `rejected` with the field and the reason (unknown customer, no meter reads the event name, a non-numeric value where a meter sums, maxes or takes the latest of a property, a timestamp more than EVENT_MAX_FUTURE_SECONDS ahead, a missing field, or an id reused for different content). One bad item never sinks the others. Events are visible in usage reads as soon as the call returns. Plan limits do not refuse events (they record work already done): check `GET /api/v1/entitlements/{meter}` before the work; ingestion raises the 80 % and 100 % alerts.";
const IDS =
  "Always send an event id (`event_id`, or Lago's `transaction_id`): it is the idempotency key, kept forever per customer, so retries and replayed streams never count twice. An event without one gets a server-made id and is counted again on every retry; such events are counted apart (metric `tally_events_ingested_total{id_source=\"generated\"}` and the admin's ingest view). An `Idempotency-Key` header gives id-less events an id (`key`, or `key#index` in a batch).";

export const meteringOperations: Operation[] = [
  {
    method: "post",
    path: "/api/v1/events",
    tag: "Usage events",
    auth: "any",
    summary: "Send one usage event (FlexPrice or Lago shape)",
    body: ZSingleEventDoc,
    description: `FlexPrice's shape, or Lago's {"event": {…}}. ${IDS}\n\nAnswers 202 with FlexPrice's flat object of strings — {"event_id": "…", "message": "accepted"} (or "duplicate") — or, with \`Prefer: return=representation\`, the item's outcome; a Lago-shaped request gets Lago's {"event": {…, "status"}}. A rejected event is a 400 naming the field, a 403 when a customer key names another customer, a 409 when the id was used for a different event. Platform keys name the customer per event (external_customer_id = the customer's external_id, or Tally's id); customer keys may omit it.`,
    responses: { "202": "Accepted (or already recorded)", "400": "Rejected: the field and the reason", "403": "Another customer's event", "409": "The id was used for a different event", "413": "Body over 256 KiB" },
  },
  {
    method: "post",
    path: "/api/v1/events/bulk",
    tag: "Usage events",
    auth: "any",
    summary: "Send up to 1,000 events (FlexPrice bulk shape)",
    body: ZBulkDoc,
    description: `${OUTCOMES}\n\n${IDS}\n\nAnswers 202 with a flat object of strings, as the FlexPrice SDK expects: {"message": "998 accepted, 2 duplicate, 0 rejected", "accepted": "998", "duplicate": "2", "rejected": "0"}. With \`Prefer: return=representation\`: the counts as numbers and "events": [{index, status, event_id, id, error: {field, message}}].`,
    responses: { "202": "Processed: per-item outcomes", "400": "Not a list of 1 to 1,000 events", "413": "Body over 5 MiB" },
  },
  {
    method: "post",
    path: "/api/v1/events/batch",
    tag: "Usage events",
    auth: "any",
    summary: "Send up to 1,000 events (Lago batch shape)",
    body: ZLagoBatchDoc,
    description: `${OUTCOMES}\n\nLago's shape: transaction_id is required; timestamp is Unix seconds (a number or a numeric string); external_subscription_id names a subscription by its external_id (or Tally's id). Answers 202 with Lago's {"events": [{lago_id, transaction_id, code, timestamp, external_subscription_id, external_customer_id, properties, created_at, status, error}]} in request order.`,
    responses: { "202": "Processed: per-item outcomes", "400": "Not a list of 1 to 1,000 events", "413": "Body over 5 MiB" },
  },
  { method: "get", path: "/api/v1/events", tag: "Usage events", auth: "any", summary: "A customer's stored events, newest first (filter by name, id and time; cursor-paginated)", query: ZEventList },
  {
    method: "get",
    path: "/api/v1/usage",
    tag: "Usage",
    auth: "any",
    summary: "Quantities per meter over from/to, by window (hour, day, month) and group",
    query: ZUsageQuery,
    description: "Read from hourly rollups kept current at ingest (never the raw events), so ranges are whole UTC hours: `from` is rounded down, `to` too except that a `to` inside the current hour includes it. Values are decimal strings; max and latest are null where nothing was sent. unique_count is exact for any range (distinct values per day with an hour mask).",
  },
  {
    method: "get",
    path: "/api/v1/customers/{id}/usage-summary",
    tag: "Usage",
    auth: "any",
    summary: "Total usage and its cost per meter for a period (default: the current billing period)",
    query: ZUsageSummaryQuery,
    description: "Priced with the rating engine against the customer's current plan: per meter the quantity (per group for price-per-group charges), the exact amount and amount_cents, the rated lines; fixed charges; the exact total and total_amount_cents (rounded half-up once). `{id}` is Tally's id or the external id.",
    responses: { "200": "OK", "404": "No such customer (or another customer's)" },
  },
  {
    method: "get",
    path: "/api/v1/entitlements/{meter}",
    tag: "Usage",
    auth: "any",
    summary: "May the customer use more of this meter now? allowed, used, limit, remaining, resets_at",
    query: ZEntitlementQuery,
    description: "From the plan's limit on the meter and the rollups of the limit period (monthly plans: the current period; yearly plans: the month of the subscription's schedule). Hard limits: allowed while used + quantity ≤ limit. Soft limits are always allowed (usage beyond them is billed and alerted). No limit: allowed, unlimited. No live subscription: not allowed. Cheap enough to call before every request.",
    responses: { "200": "OK", "400": "Unknown meter", "404": "No such customer (or another customer's)" },
  },
  {
    method: "get",
    path: "/api/v1/billing/usage",
    tag: "Usage",
    auth: "any",
    summary: "Today and this month per meter: included, used, remaining, overage, overage cost, price per 1k; credits",
    query: ZBillingUsageQuery,
    description: "\"This month\" is the plan-limit period (the subscription's current period for monthly plans, the month of its schedule for yearly ones). Per meter: `included` (free units: included_quantity and a free first tier, else the plan limit), `used`, `remaining`, `overage`, `overage_cost` (the month's usage rated by the plan) and `price_per_1k` (what the next 1,000 units cost; null for price-per-group charges). Credits: `included` is the plan's included credits; until the credits ledger is merged, `used` is usage-based — the month's usage charges expressed in credits at the smallest credit pack's price per credit — and `source` says \"usage\".",
  },
];
