-- Hand-written (drizzle-kit cannot declare partitioned tables): the raw usage events, partitioned
-- by month of the event time, on Postgres and on PGlite alike (PGlite is Postgres 17 and supports
-- declarative partitioning, so both run the same migrations and the same queries).
--
-- * Deduplication is not here: a unique index on a partitioned table must contain the partition
--   key, so it could not refuse one event_id sent twice with two timestamps. event_keys does it.
-- * A DEFAULT partition catches events for months that have no partition yet (a backfill of old
--   data, or a clock far ahead), so no insert can ever fail for want of a partition.
-- * usage_events_ensure_partition(month) creates a month's partition, first moving any rows of
--   that month out of the DEFAULT partition (Postgres refuses to attach a partition whose rows
--   the default partition holds). The metering.partitions job calls it for the months ahead;
--   this migration calls it for last month to three months ahead.
-- * No foreign keys: an FK check per event would key-share lock the organization's row and
--   serialize concurrent batches of one customer.
CREATE TABLE "usage_events" (
	"id" text NOT NULL,
	"org_id" text NOT NULL,
	"event_id" text NOT NULL,
	"event_name" text NOT NULL,
	"timestamp" timestamp with time zone NOT NULL,
	"ingested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"source" text,
	"properties" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"subscription_id" text,
	"id_generated" boolean DEFAULT false NOT NULL
) PARTITION BY RANGE ("timestamp");
--> statement-breakpoint
-- A customer's events newest first (GET /api/v1/events, the admin's ingest view), by time and id.
CREATE INDEX "usage_events_org_time_idx" ON "usage_events" USING btree ("org_id", "timestamp", "id");
--> statement-breakpoint
-- Events that came without an id (they cannot be deduplicated): counted apart for the admin.
CREATE INDEX "usage_events_id_generated_idx" ON "usage_events" USING btree ("org_id", "timestamp") WHERE "id_generated";
--> statement-breakpoint
CREATE TABLE "usage_events_default" PARTITION OF "usage_events" DEFAULT;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION usage_events_ensure_partition(month_start date) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
	part text := 'usage_events_' || to_char(date_trunc('month', month_start), 'YYYY_MM');
	lo text := to_char(date_trunc('month', month_start), 'YYYY-MM-DD') || ' 00:00:00+00';
	hi text := to_char(date_trunc('month', month_start) + interval '1 month', 'YYYY-MM-DD') || ' 00:00:00+00';
BEGIN
	-- Two replicas may run the job at once: one creates, the other finds it done.
	PERFORM pg_advisory_xact_lock(724002);
	IF to_regclass(part) IS NOT NULL THEN
		RETURN false;
	END IF;
	EXECUTE format('CREATE TABLE %I (LIKE usage_events INCLUDING DEFAULTS)', part);
	EXECUTE format('INSERT INTO %I SELECT * FROM usage_events_default WHERE "timestamp" >= %L::timestamptz AND "timestamp" < %L::timestamptz', part, lo, hi);
	EXECUTE format('DELETE FROM usage_events_default WHERE "timestamp" >= %L::timestamptz AND "timestamp" < %L::timestamptz', lo, hi);
	EXECUTE format('ALTER TABLE usage_events ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
	RETURN true;
END;
$$;
--> statement-breakpoint
SELECT usage_events_ensure_partition((date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => k))::date) FROM generate_series(-1, 3) AS k;
