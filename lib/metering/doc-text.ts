// Text that several of this domain's API operations share in the OpenAPI document.

export const ITEM_OUTCOMES =
  "Every item gets its own outcome: `accepted` (stored and counted), `duplicate` (its id was recorded before: counted once, when it first arrived; a retry is always safe) or `rejected` with the field and the reason (unknown customer, no meter reads the event name, a non-numeric value where a meter sums, maxes or takes the latest of a property, a timestamp more than EVENT_MAX_FUTURE_SECONDS ahead, a missing field, or an id reused for different content). One bad item never sinks the others. Events are visible in usage reads as soon as the call returns. Plan limits do not refuse events (they record work already done): check `GET /api/v1/entitlements/{feature}` (a meter's code) before the work; ingestion raises the 80 % and 100 % alerts.";

export const EVENT_IDS =
  "Always send an event id (`event_id`, or Lago's `transaction_id`): it is the idempotency key, kept forever per customer, so retries and replayed streams never count twice. An event without one gets a server-made id and is counted again on every retry; such events are counted apart (metric `tally_events_ingested_total{id_source=\"generated\"}` and the admin's ingest view). An `Idempotency-Key` header gives id-less events an id (`key`, or `key#index` in a batch).";
