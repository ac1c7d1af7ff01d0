// Text that several of this domain's API operations share in the OpenAPI document.

export const IDEMPOTENT_MOVE =
  "Idempotent: send an Idempotency-Key header (or idempotency_key in the body). The same key with the same body answers the first result again; with a different body, 409 idempotency_conflict.";

export const KEYLESS_CONSUME =
  "The credits guide's request — the customer named as `organization_id`, no key — is accepted: Tally makes the key and answers it (`idempotency_key`, `idempotency_key_generated: true`). Such a spend cannot be deduplicated, so a retry spends again; they are counted apart (`tally_credit_consumes_keyless_total`). Any other request without a key is a 400.";
