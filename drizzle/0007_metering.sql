CREATE TABLE "event_keys" (
	"org_id" text NOT NULL,
	"event_id" text NOT NULL,
	"body_hash" text NOT NULL,
	CONSTRAINT "event_keys_org_id_event_id_pk" PRIMARY KEY("org_id","event_id")
);
--> statement-breakpoint
CREATE TABLE "ingest_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "ingest_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"org_id" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"outcome" text NOT NULL,
	"event_id" text,
	"event_name" text,
	"customer_ref" text,
	"field" text,
	"reason" text NOT NULL,
	"item" jsonb,
	"via" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "usage_rollups" (
	"org_id" text NOT NULL,
	"meter_id" text NOT NULL,
	"bucket_start" timestamp with time zone NOT NULL,
	"group_key" text NOT NULL,
	"shard" smallint NOT NULL,
	"event_count" bigint NOT NULL,
	"value_sum" numeric,
	"value_max" numeric,
	"latest_value" numeric,
	"latest_at" timestamp with time zone,
	CONSTRAINT "usage_rollups_org_id_meter_id_bucket_start_group_key_shard_pk" PRIMARY KEY("org_id","meter_id","bucket_start","group_key","shard")
);
--> statement-breakpoint
CREATE TABLE "usage_unique_values" (
	"org_id" text NOT NULL,
	"meter_id" text NOT NULL,
	"day" date NOT NULL,
	"group_key" text NOT NULL,
	"value" text NOT NULL,
	"hours" integer NOT NULL,
	CONSTRAINT "usage_unique_values_org_id_meter_id_day_group_key_value_pk" PRIMARY KEY("org_id","meter_id","day","group_key","value")
);
--> statement-breakpoint
CREATE TABLE "alerts" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"kind" text NOT NULL,
	"key" text NOT NULL,
	"threshold" text NOT NULL,
	"period_key" text NOT NULL,
	"severity" text DEFAULT 'warning' NOT NULL,
	"message" text NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_by" text
);
--> statement-breakpoint
CREATE INDEX "ingest_log_org_idx" ON "ingest_log" USING btree ("org_id","received_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "ingest_log_received_idx" ON "ingest_log" USING btree ("received_at");--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_once_per_period_key" ON "alerts" USING btree ("org_id","kind","key","threshold","period_key");--> statement-breakpoint
CREATE INDEX "alerts_open_idx" ON "alerts" USING btree ("org_id","created_at" DESC NULLS LAST) WHERE "alerts"."acknowledged_at" is null;--> statement-breakpoint
CREATE INDEX "alerts_org_idx" ON "alerts" USING btree ("org_id","created_at" DESC NULLS LAST);