// Prometheus metrics (prom-client), one registry per process, served at /api/metrics.
import "server-only";
import { processState } from "@/lib/process-state";
import client from "prom-client";

type Metrics = ReturnType<typeof create>;

function create() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: new client.Counter({
      name: "tally_http_requests_total",
      help: "API requests answered, by route, method and status.",
      labelNames: ["route", "method", "status"] as const,
      registers: [registry],
    }),
    httpDuration: new client.Histogram({
      name: "tally_http_request_duration_seconds",
      help: "API request latency, by route and method.",
      labelNames: ["route", "method"] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    eventsIngested: new client.Counter({
      name: "tally_events_ingested_total",
      help: "Usage events by outcome (accepted, duplicate, rejected) and whether the sender gave an id.",
      labelNames: ["outcome", "id_source"] as const,
      registers: [registry],
    }),
    ingestStatements: new client.Counter({
      name: "tally_ingest_statements_total",
      help: "Ingest statements run; events ingested over statements is how many events share one (concurrent small batches are coalesced).",
      registers: [registry],
    }),
    ingestRechecks: new client.Counter({
      name: "tally_ingest_rechecks_total",
      help: "Ingest statements that met an event id already stored (a retry, a duplicate) and ran again checking each key; each is also in tally_ingest_statements_total.",
      registers: [registry],
    }),
    webhooks: new client.Counter({
      name: "tally_webhooks_total",
      help: "Stripe webhook deliveries by outcome (processed, duplicate, ignored, refused, failed, invalid_signature, malformed).",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
    signInFailures: new client.Counter({
      name: "tally_sign_in_failures_total",
      help: "Failed sign-ins, by reason (invalid_credentials, rate_limited).",
      labelNames: ["reason"] as const,
      registers: [registry],
    }),
    rateLimited: new client.Counter({
      name: "tally_api_key_rate_limited_total",
      help: "Requests refused 429 because their API key was over its rate limit (lib/rate-limits/).",
      registers: [registry],
    }),
    liveReplicas: new client.Gauge({
      name: "tally_live_replicas",
      help: "Replicas this one hears on Postgres (lib/rate-limits/replica-presence.ts); each key's rate limit is divided by it.",
      registers: [registry],
    }),
    creditMovements: new client.Counter({
      name: "tally_credit_ledger_rows_total",
      help: "Credit ledger rows written, by kind (grant, consume, reserve, commit, release, expire, refund, adjustment, overage, overage_repaid).",
      labelNames: ["kind"] as const,
      registers: [registry],
    }),
    readReplicaLag: new client.Gauge({
      name: "tally_read_replica_lag_seconds",
      help: "How far the read replica (DATABASE_READ_URL) is behind the primary, as last measured; -1 while unmeasured or unreachable.",
      registers: [registry],
    }),
    readReplicaReads: new client.Counter({
      name: "tally_read_replica_reads_total",
      help: "Reads that tolerate lag, by where they went: the replica, or the primary (no replica, or its lag over READ_REPLICA_MAX_LAG_MS).",
      labelNames: ["target"] as const,
      registers: [registry],
    }),
    creditSpendGroups: new client.Histogram({
      name: "tally_credit_spend_group_size",
      help: "Credit spends that shared one transaction (group commit under load), per group.",
      buckets: [2, 4, 8, 16, 32, 64],
      registers: [registry],
    }),
    creditConsumesKeyless: new client.Counter({
      name: "tally_credit_consumes_keyless_total",
      help: "Credit spends accepted without an idempotency key (the credits guide's consume naming organization_id): Tally made the key, so a retry of such a request spends again.",
      registers: [registry],
    }),
    creditRefusals: new client.Counter({
      name: "tally_credit_refusals_total",
      help: "Credit spends refused for want of credits (402), by operation.",
      labelNames: ["operation"] as const,
      registers: [registry],
    }),
    reconciliationDifferences: new client.Gauge({
      name: "tally_billing_reconciliation_differences",
      help: "Differences between Tally's rated period lines and Stripe's invoices, by kind (missing_item, amount_off, not_added, invoice_missing, unpaid_past_due, not_collected).",
      labelNames: ["kind"] as const,
      registers: [registry],
    }),
    outboxDepth: new client.Gauge({
      name: "tally_outbox_depth",
      help: "Jobs waiting in the outbox, by kind.",
      labelNames: ["kind"] as const,
      registers: [registry],
    }),
  };
}

export const metrics: Metrics = processState("metrics", create);
