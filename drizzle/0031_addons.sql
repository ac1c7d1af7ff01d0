CREATE TABLE "addon_charges" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"subscription_id" text NOT NULL,
	"addon_id" text NOT NULL,
	"kind" text NOT NULL,
	"description" text NOT NULL,
	"quantity" integer NOT NULL,
	"exact_amount" text NOT NULL,
	"amount_cents" bigint NOT NULL,
	"currency" text NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"source_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "addons" (
	"id" text PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"kind" text NOT NULL,
	"interval" text,
	"currency" text DEFAULT 'usd' NOT NULL,
	"price_cents" bigint NOT NULL,
	"features" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"limits" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"credits" integer DEFAULT 0 NOT NULL,
	"max_quantity" integer DEFAULT 1 NOT NULL,
	"plan_codes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"stripe_price_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"archived_at" timestamp with time zone,
	CONSTRAINT "addons_price_nonnegative" CHECK ("addons"."price_cents" >= 0),
	CONSTRAINT "addons_max_quantity_positive" CHECK ("addons"."max_quantity" >= 1),
	CONSTRAINT "addons_interval_by_kind" CHECK (("addons"."kind" = 'recurring' and "addons"."interval" is not null) or ("addons"."kind" = 'one_time' and "addons"."interval" is null))
);
--> statement-breakpoint
CREATE TABLE "subscription_addons" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"subscription_id" text NOT NULL,
	"addon_id" text NOT NULL,
	"quantity" integer NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"provider_item_id" text,
	"actor" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "subscription_addons_quantity_positive" CHECK ("subscription_addons"."quantity" >= 1)
);
--> statement-breakpoint
ALTER TABLE "addon_charges" ADD CONSTRAINT "addon_charges_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "addon_charges" ADD CONSTRAINT "addon_charges_subscription_id_subscriptions_id_fk" FOREIGN KEY ("subscription_id") REFERENCES "public"."subscriptions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "addon_charges" ADD CONSTRAINT "addon_charges_addon_id_addons_id_fk" FOREIGN KEY ("addon_id") REFERENCES "public"."addons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscription_addons" ADD CONSTRAINT "subscription_addons_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscription_addons" ADD CONSTRAINT "subscription_addons_subscription_id_subscriptions_id_fk" FOREIGN KEY ("subscription_id") REFERENCES "public"."subscriptions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscription_addons" ADD CONSTRAINT "subscription_addons_addon_id_addons_id_fk" FOREIGN KEY ("addon_id") REFERENCES "public"."addons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "addon_charges_source_key" ON "addon_charges" USING btree ("source_key");--> statement-breakpoint
CREATE INDEX "addon_charges_sub_period_idx" ON "addon_charges" USING btree ("subscription_id","period_start");--> statement-breakpoint
CREATE UNIQUE INDEX "addons_code_key" ON "addons" USING btree ("code");--> statement-breakpoint
CREATE INDEX "subscription_addons_sub_idx" ON "subscription_addons" USING btree ("subscription_id","ended_at");--> statement-breakpoint
CREATE INDEX "subscription_addons_org_idx" ON "subscription_addons" USING btree ("org_id");--> statement-breakpoint
CREATE UNIQUE INDEX "subscription_addons_one_live" ON "subscription_addons" USING btree ("subscription_id","addon_id") WHERE "subscription_addons"."ended_at" is null;