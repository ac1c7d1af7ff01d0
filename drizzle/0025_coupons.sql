CREATE TABLE "coupons" (
	"id" text PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"percent_off" numeric,
	"amount_off_cents" bigint,
	"currency" text,
	"duration" text NOT NULL,
	"duration_in_months" integer,
	"applies_to" text DEFAULT 'plan' NOT NULL,
	"plan_codes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"max_redemptions" integer,
	"times_redeemed" integer DEFAULT 0 NOT NULL,
	"redeem_by" timestamp with time zone,
	"stripe_coupon_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "coupons_one_kind" CHECK (("coupons"."percent_off" is not null and "coupons"."amount_off_cents" is null) or ("coupons"."percent_off" is null and "coupons"."amount_off_cents" is not null and "coupons"."currency" is not null))
);
--> statement-breakpoint
CREATE TABLE "promotion_codes" (
	"id" text PRIMARY KEY NOT NULL,
	"coupon_id" text NOT NULL,
	"code" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"expires_at" timestamp with time zone,
	"max_redemptions" integer,
	"times_redeemed" integer DEFAULT 0 NOT NULL,
	"first_time_transaction" boolean DEFAULT false NOT NULL,
	"stripe_promotion_code_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subscription_discounts" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"subscription_id" text NOT NULL,
	"coupon_id" text NOT NULL,
	"promotion_code_id" text,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone,
	"removed_at" timestamp with time zone,
	"actor" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "subscription_history" ADD COLUMN "discount_amount_cents" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD COLUMN "discount_amount_cents" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "checkout_sessions" ADD COLUMN "promotion_code_id" text;--> statement-breakpoint
ALTER TABLE "promotion_codes" ADD CONSTRAINT "promotion_codes_coupon_id_coupons_id_fk" FOREIGN KEY ("coupon_id") REFERENCES "public"."coupons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscription_discounts" ADD CONSTRAINT "subscription_discounts_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscription_discounts" ADD CONSTRAINT "subscription_discounts_subscription_id_subscriptions_id_fk" FOREIGN KEY ("subscription_id") REFERENCES "public"."subscriptions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscription_discounts" ADD CONSTRAINT "subscription_discounts_coupon_id_coupons_id_fk" FOREIGN KEY ("coupon_id") REFERENCES "public"."coupons"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscription_discounts" ADD CONSTRAINT "subscription_discounts_promotion_code_id_promotion_codes_id_fk" FOREIGN KEY ("promotion_code_id") REFERENCES "public"."promotion_codes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "coupons_code_key" ON "coupons" USING btree ("code");--> statement-breakpoint
CREATE UNIQUE INDEX "promotion_codes_code_key" ON "promotion_codes" USING btree ("code");--> statement-breakpoint
CREATE INDEX "promotion_codes_coupon_idx" ON "promotion_codes" USING btree ("coupon_id");--> statement-breakpoint
CREATE INDEX "subscription_discounts_org_idx" ON "subscription_discounts" USING btree ("org_id","subscription_id");--> statement-breakpoint
CREATE UNIQUE INDEX "subscription_discounts_one_live" ON "subscription_discounts" USING btree ("subscription_id") WHERE "subscription_discounts"."removed_at" is null;--> statement-breakpoint
-- Data (hand-written: drizzle-kit does not generate data moves): every distinct discount percent of a
-- subscription becomes a forever coupon on the plan fee, attached to the subscriptions that carry it.
INSERT INTO "coupons" ("id", "code", "name", "percent_off", "duration", "applies_to")
SELECT 'cpn_legacy_' || replace(p::text, '.', '_'), 'LEGACY-' || replace(p::text, '.', '_'), p::text || ' % off (existing discount)', p, 'forever', 'plan'
FROM (SELECT DISTINCT trim_scale("discount_percent") AS p FROM "subscriptions" WHERE "discount_percent" > 0) d;--> statement-breakpoint
INSERT INTO "subscription_discounts" ("id", "org_id", "subscription_id", "coupon_id", "starts_at", "actor")
SELECT 'sdc_legacy_' || s."id", s."org_id", s."id", 'cpn_legacy_' || replace(trim_scale(s."discount_percent")::text, '.', '_'), s."current_period_start", 'migration'
FROM "subscriptions" s WHERE s."discount_percent" > 0;--> statement-breakpoint
UPDATE "coupons" c SET "times_redeemed" = (SELECT count(*) FROM "subscription_discounts" d WHERE d."coupon_id" = c."id") WHERE c."id" LIKE 'cpn_legacy_%';
