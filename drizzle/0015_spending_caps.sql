CREATE TABLE "spending_caps" (
	"org_id" text PRIMARY KEY NOT NULL,
	"amount_cents" bigint NOT NULL,
	"mode" text NOT NULL,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "spending_caps" ADD CONSTRAINT "spending_caps_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;