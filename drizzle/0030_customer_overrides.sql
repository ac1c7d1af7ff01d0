CREATE TABLE "customer_overrides" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"kind" text NOT NULL,
	"target" text DEFAULT '' NOT NULL,
	"value" jsonb NOT NULL,
	"reason" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	"revoked_by" text,
	CONSTRAINT "customer_overrides_span" CHECK ("customer_overrides"."ends_at" is null or "customer_overrides"."ends_at" > "customer_overrides"."starts_at")
);
--> statement-breakpoint
ALTER TABLE "customer_overrides" ADD CONSTRAINT "customer_overrides_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "customer_overrides_org_idx" ON "customer_overrides" USING btree ("org_id","kind","target");