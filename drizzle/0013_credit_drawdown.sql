CREATE TABLE "credit_drawdown_cursors" (
	"org_id" text PRIMARY KEY NOT NULL,
	"drawn_through" timestamp (6) with time zone NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "credit_drawdowns" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"operation_id" text,
	"link_id" text NOT NULL,
	"meter_id" text NOT NULL,
	"credit_event" text NOT NULL,
	"from_ingested_at" timestamp (6) with time zone NOT NULL,
	"through_ingested_at" timestamp (6) with time zone NOT NULL,
	"event_count" integer NOT NULL,
	"first_event_id" text NOT NULL,
	"last_event_id" text NOT NULL,
	"quantity" numeric NOT NULL,
	"credits" bigint NOT NULL,
	"overage_credits" bigint DEFAULT 0 NOT NULL,
	"short_credits" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "credit_drawdowns_credits_split" CHECK ("credit_drawdowns"."overage_credits" + "credit_drawdowns"."short_credits" <= "credit_drawdowns"."credits")
);
--> statement-breakpoint
CREATE TABLE "credit_meter_links" (
	"id" text PRIMARY KEY NOT NULL,
	"meter_id" text NOT NULL,
	"credit_event_code" text NOT NULL,
	"filters" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"archived_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "credit_drawdown_cursors" ADD CONSTRAINT "credit_drawdown_cursors_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_drawdowns" ADD CONSTRAINT "credit_drawdowns_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "credit_drawdowns_org_created_idx" ON "credit_drawdowns" USING btree ("org_id","created_at");--> statement-breakpoint
CREATE INDEX "credit_meter_links_meter_idx" ON "credit_meter_links" USING btree ("meter_id");--> statement-breakpoint
-- Hand-written (usage_events is not in the drizzle schema): the credit drawdown and the exact
-- balance reads find an organization's events ingested after its drawdown cursor by this index.
CREATE INDEX "usage_events_org_ingested_idx" ON "usage_events" USING btree ("org_id", "ingested_at");
