CREATE TABLE "usage_corrections" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"reason" text NOT NULL,
	"selector" jsonb NOT NULL,
	"requested_by" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone,
	"events_retracted" bigint DEFAULT 0 NOT NULL,
	"events_drawn" bigint DEFAULT 0 NOT NULL,
	"events_in_billed_periods" bigint DEFAULT 0 NOT NULL,
	"first_event_at" timestamp with time zone,
	"last_event_at" timestamp with time zone,
	"cursor_at" timestamp (6) with time zone,
	"cursor_id" text,
	"error" text,
	"all_moved" boolean DEFAULT false NOT NULL,
	"credits_refunded" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "usage_events_retracted" (
	"id" text NOT NULL,
	"org_id" text NOT NULL,
	"event_id" text NOT NULL,
	"event_name" text NOT NULL,
	"timestamp" timestamp with time zone NOT NULL,
	"ingested_at" timestamp with time zone NOT NULL,
	"source" text,
	"properties" jsonb NOT NULL,
	"subscription_id" text,
	"id_generated" boolean NOT NULL,
	"correction_id" text NOT NULL,
	"drawn" boolean DEFAULT false NOT NULL,
	"retracted_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "usage_corrections" ADD CONSTRAINT "usage_corrections_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "usage_corrections_org_idx" ON "usage_corrections" USING btree ("org_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "usage_corrections_open_idx" ON "usage_corrections" USING btree ("status") WHERE status in ('pending', 'running');--> statement-breakpoint
CREATE INDEX "usage_events_retracted_correction_idx" ON "usage_events_retracted" USING btree ("correction_id");--> statement-breakpoint
CREATE INDEX "usage_events_retracted_org_idx" ON "usage_events_retracted" USING btree ("org_id","retracted_at");