// How each table would be placed on a Citus cluster sharded by org_id (docs/scaling.md). A table
// with an org_id column is a tenant table — distributed by org_id, colocated with the others — unless
// it is named here. Tenant tables' primary and unique keys include org_id and their foreign keys into
// other tenant tables are (org_id, id): tests/tenant-keys.test.ts checks the live schema against this.
// No imports: the test, the docs and a future `create_distributed_table` script read the same lists.

/**
 * Reference tables: small, read on every request, written rarely; Citus copies them to every node so
 * any shard joins them locally. The catalog, the organizations themselves, sign-in identities (looked
 * up before the organization is known) and the seller's document numbers (one series for all customers).
 */
export const REFERENCE_TABLES: Readonly<Record<string, string>> = {
  organizations: "the tenants themselves: every tenant table's org_id points here",
  plans: "catalog",
  plan_billing_thresholds: "catalog (per plan)",
  meters: "catalog",
  features: "catalog",
  credit_products: "catalog",
  credit_events: "catalog",
  credit_meter_links: "catalog",
  model_prices: "catalog",
  addons: "catalog",
  coupons: "catalog",
  promotion_codes: "catalog (a code is redeemed before its customer is known)",
  tax_rates: "catalog",
  app_settings: "installation-wide settings",
  users: "signing in finds a user by email before knowing the organization; org_id null for operators",
  api_keys: "an API key is found by its hash before the organization is known; org_id null for platform keys",
  email_opt_outs: "per user",
  password_resets: "per user, found by token",
  sign_in_throttle: "keyed by address and email, not by organization",
  document_numbers: "the seller's numbering series: a number is unique across all customers",
};

/**
 * Tables left on the coordinator as plain Postgres tables: installation-wide queues and logs whose
 * org_id is optional (null for operator or system rows), claimed by jobs across all organizations.
 */
export const COORDINATOR_TABLES: Readonly<Record<string, string>> = {
  jobs: "the job queue: claimed with SKIP LOCKED across all organizations; org_id optional",
  ingest_log: "operator-facing ingest log; org_id null for rejected requests",
  emails: "the email outbox; org_id null for operator mail",
  webhook_events: "Stripe's incoming events, deduplicated by Stripe's id before the organization is known",
  webhook_endpoints: "outbound webhook endpoints; org_id null for the operator's own",
  webhook_messages: "outbound webhook messages (org_id optional)",
  webhook_deliveries: "outbound webhook deliveries (org_id optional)",
  webhook_delivery_attempts: "per delivery",
  imports: "the operator's import runs from FlexPrice or Lago: installation-wide, no organization",
  import_links: "source ids to Tally rows of every kind (plans, meters, customers…), for the importer only",
  import_schedules: "the importer's syncs, claimed by a job across the installation",
};
