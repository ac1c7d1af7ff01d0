CREATE TABLE "period_billings" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"subscription_id" text NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"period_end" timestamp with time zone NOT NULL,
	"currency" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"lines" jsonb NOT NULL,
	"total_cents" bigint NOT NULL,
	"added" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"target" text,
	"stripe_invoice_id" text,
	"locked_until" timestamp with time zone,
	"reconciled_at" timestamp with time zone,
	"stripe_invoiced_cents" bigint,
	"stripe_collected_cents" bigint,
	"stripe_status" text,
	"differences" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "period_billings" ADD CONSTRAINT "period_billings_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "period_billings" ADD CONSTRAINT "period_billings_subscription_id_subscriptions_id_fk" FOREIGN KEY ("subscription_id") REFERENCES "public"."subscriptions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "period_billings_period_key" ON "period_billings" USING btree ("subscription_id","period_start");--> statement-breakpoint
CREATE INDEX "period_billings_org_idx" ON "period_billings" USING btree ("org_id","period_start");--> statement-breakpoint
CREATE INDEX "period_billings_differences_idx" ON "period_billings" USING btree ("period_start") WHERE jsonb_array_length("period_billings"."differences") > 0;