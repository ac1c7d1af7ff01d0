// Text that several of this domain's API operations share in the OpenAPI document.

export const IDEMPOTENT_MOVE =
  "Idempotent: send an Idempotency-Key header (or idempotency_key in the body). The same key with the same body answers the first result again; with a different body, 409 idempotency_conflict.";
