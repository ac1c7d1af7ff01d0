CREATE TABLE "plan_billing_thresholds" (
	"plan_id" text PRIMARY KEY NOT NULL,
	"amount_cents" bigint NOT NULL,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "threshold_billings" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"subscription_id" text NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"seq" bigint NOT NULL,
	"amount_cents" bigint NOT NULL,
	"currency" text NOT NULL,
	"lines" jsonb NOT NULL,
	"invoice_id" text,
	"provider" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "plan_billing_thresholds" ADD CONSTRAINT "plan_billing_thresholds_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "threshold_billings" ADD CONSTRAINT "threshold_billings_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "threshold_billings_period_seq" ON "threshold_billings" USING btree ("subscription_id","period_start","seq");--> statement-breakpoint
CREATE INDEX "threshold_billings_org_idx" ON "threshold_billings" USING btree ("org_id","created_at");