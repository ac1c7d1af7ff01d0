/** How the billing changes that take an optional Idempotency-Key say so in the OpenAPI document. */
export const IDEMPOTENCY_KEY_DOC =
  "Takes an optional Idempotency-Key header: the same key with the same body answers the first result again (header idempotent-replayed) and acts once; with a different body, 409 idempotency_conflict; while the first request runs, 409.";
