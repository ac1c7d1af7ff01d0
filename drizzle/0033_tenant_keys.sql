CREATE TABLE "document_numbers" (
	"kind" text NOT NULL,
	"number" text NOT NULL,
	"org_id" text NOT NULL,
	"claimed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "document_numbers_kind_number_pk" PRIMARY KEY("kind","number")
);
--> statement-breakpoint
ALTER TABLE "subscription_history" DROP CONSTRAINT "subscription_history_subscription_id_subscriptions_id_fk";
--> statement-breakpoint
ALTER TABLE "agent_plan_history" DROP CONSTRAINT "agent_plan_history_agent_id_agents_id_fk";
--> statement-breakpoint
ALTER TABLE "calls" DROP CONSTRAINT "calls_agent_id_agents_id_fk";
--> statement-breakpoint
ALTER TABLE "credit_note_lines" DROP CONSTRAINT "credit_note_lines_credit_note_id_credit_notes_id_fk";
--> statement-breakpoint
ALTER TABLE "credit_notes" DROP CONSTRAINT "credit_notes_invoice_id_invoices_id_fk";
--> statement-breakpoint
ALTER TABLE "credit_notes" DROP CONSTRAINT "credit_notes_payment_id_payments_id_fk";
--> statement-breakpoint
ALTER TABLE "invoice_lines" DROP CONSTRAINT "invoice_lines_invoice_id_invoices_id_fk";
--> statement-breakpoint
ALTER TABLE "invoices" DROP CONSTRAINT "invoices_subscription_id_subscriptions_id_fk";
--> statement-breakpoint
ALTER TABLE "payments" DROP CONSTRAINT "payments_invoice_id_invoices_id_fk";
--> statement-breakpoint
ALTER TABLE "period_billings" DROP CONSTRAINT "period_billings_subscription_id_subscriptions_id_fk";
--> statement-breakpoint
ALTER TABLE "subscription_discounts" DROP CONSTRAINT "subscription_discounts_subscription_id_subscriptions_id_fk";
--> statement-breakpoint
ALTER TABLE "addon_charges" DROP CONSTRAINT "addon_charges_subscription_id_subscriptions_id_fk";
--> statement-breakpoint
ALTER TABLE "subscription_addons" DROP CONSTRAINT "subscription_addons_subscription_id_subscriptions_id_fk";
--> statement-breakpoint
DROP INDEX "subscriptions_external_id_key";--> statement-breakpoint
DROP INDEX "subscriptions_stripe_id_key";--> statement-breakpoint
DROP INDEX "checkout_sessions_provider_id_key";--> statement-breakpoint
DROP INDEX "credit_notes_number_key";--> statement-breakpoint
DROP INDEX "credit_notes_stripe_id_key";--> statement-breakpoint
DROP INDEX "invoices_number_key";--> statement-breakpoint
DROP INDEX "invoices_stripe_id_key";--> statement-breakpoint
DROP INDEX "invoices_source_key";--> statement-breakpoint
DROP INDEX "payment_methods_provider_id_key";--> statement-breakpoint
DROP INDEX "payments_provider_id_key";--> statement-breakpoint
DROP INDEX "period_billings_period_key";--> statement-breakpoint
DROP INDEX "threshold_billings_period_seq";--> statement-breakpoint
DROP INDEX "subscription_discounts_one_live";--> statement-breakpoint
DROP INDEX "addon_charges_source_key";--> statement-breakpoint
DROP INDEX "subscription_addons_one_live";--> statement-breakpoint
ALTER TABLE "subscription_history" DROP CONSTRAINT "subscription_history_pkey";--> statement-breakpoint
ALTER TABLE "subscriptions" DROP CONSTRAINT "subscriptions_pkey";--> statement-breakpoint
ALTER TABLE "agent_plan_history" DROP CONSTRAINT "agent_plan_history_pkey";--> statement-breakpoint
ALTER TABLE "agents" DROP CONSTRAINT "agents_pkey";--> statement-breakpoint
ALTER TABLE "calls" DROP CONSTRAINT "calls_pkey";--> statement-breakpoint
ALTER TABLE "checkout_sessions" DROP CONSTRAINT "checkout_sessions_pkey";--> statement-breakpoint
ALTER TABLE "credit_note_lines" DROP CONSTRAINT "credit_note_lines_pkey";--> statement-breakpoint
ALTER TABLE "credit_notes" DROP CONSTRAINT "credit_notes_pkey";--> statement-breakpoint
ALTER TABLE "invoice_lines" DROP CONSTRAINT "invoice_lines_pkey";--> statement-breakpoint
ALTER TABLE "invoices" DROP CONSTRAINT "invoices_pkey";--> statement-breakpoint
ALTER TABLE "payment_methods" DROP CONSTRAINT "payment_methods_pkey";--> statement-breakpoint
ALTER TABLE "payments" DROP CONSTRAINT "payments_pkey";--> statement-breakpoint
ALTER TABLE "period_billings" DROP CONSTRAINT "period_billings_pkey";--> statement-breakpoint
ALTER TABLE "credit_grants" DROP CONSTRAINT "credit_grants_pkey";--> statement-breakpoint
ALTER TABLE "credit_reservations" DROP CONSTRAINT "credit_reservations_pkey";--> statement-breakpoint
ALTER TABLE "alerts" DROP CONSTRAINT "alerts_pkey";--> statement-breakpoint
ALTER TABLE "credit_drawdowns" DROP CONSTRAINT "credit_drawdowns_pkey";--> statement-breakpoint
ALTER TABLE "auto_top_ups" DROP CONSTRAINT "auto_top_ups_pkey";--> statement-breakpoint
ALTER TABLE "threshold_billings" DROP CONSTRAINT "threshold_billings_pkey";--> statement-breakpoint
ALTER TABLE "invitations" DROP CONSTRAINT "invitations_pkey";--> statement-breakpoint
ALTER TABLE "subscription_discounts" DROP CONSTRAINT "subscription_discounts_pkey";--> statement-breakpoint
ALTER TABLE "customer_overrides" DROP CONSTRAINT "customer_overrides_pkey";--> statement-breakpoint
ALTER TABLE "addon_charges" DROP CONSTRAINT "addon_charges_pkey";--> statement-breakpoint
ALTER TABLE "subscription_addons" DROP CONSTRAINT "subscription_addons_pkey";--> statement-breakpoint
ALTER TABLE "usage_corrections" DROP CONSTRAINT "usage_corrections_pkey";--> statement-breakpoint
ALTER TABLE "subscription_history" ADD CONSTRAINT "subscription_history_pkey" PRIMARY KEY("id","org_id");--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_pkey" PRIMARY KEY("id","org_id");--> statement-breakpoint
ALTER TABLE "agent_plan_history" ADD CONSTRAINT "agent_plan_history_pkey" PRIMARY KEY("id","org_id");--> statement-breakpoint
ALTER TABLE "agents" ADD CONSTRAINT "agents_pkey" PRIMARY KEY("id","org_id");--> statement-breakpoint
ALTER TABLE "calls" ADD CONSTRAINT "calls_pkey" PRIMARY KEY("id","org_id");--> statement-breakpoint
ALTER TABLE "checkout_sessions" ADD CONSTRAINT "checkout_sessions_pkey" PRIMARY KEY("id","org_id");--> statement-breakpoint
ALTER TABLE "credit_note_lines" ADD CONSTRAINT "credit_note_lines_pkey" PRIMARY KEY("id","org_id");--> statement-breakpoint
ALTER TABLE "credit_notes" ADD CONSTRAINT "credit_notes_pkey" PRIMARY KEY("id","org_id");--> statement-breakpoint
ALTER TABLE "invoice_lines" ADD CONSTRAINT "invoice_lines_pkey" PRIMARY KEY("id","org_id");--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_pkey" PRIMARY KEY("id","org_id");--> statement-breakpoint
ALTER TABLE "payment_methods" ADD CONSTRAINT "payment_methods_pkey" PRIMARY KEY("id","org_id");--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_pkey" PRIMARY KEY("id","org_id");--> statement-breakpoint
ALTER TABLE "period_billings" ADD CONSTRAINT "period_billings_pkey" PRIMARY KEY("id","org_id");--> statement-breakpoint
ALTER TABLE "credit_grants" ADD CONSTRAINT "credit_grants_pkey" PRIMARY KEY("id","org_id");--> statement-breakpoint
ALTER TABLE "credit_reservations" ADD CONSTRAINT "credit_reservations_pkey" PRIMARY KEY("id","org_id");--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_pkey" PRIMARY KEY("id","org_id");--> statement-breakpoint
ALTER TABLE "credit_drawdowns" ADD CONSTRAINT "credit_drawdowns_pkey" PRIMARY KEY("id","org_id");--> statement-breakpoint
ALTER TABLE "auto_top_ups" ADD CONSTRAINT "auto_top_ups_pkey" PRIMARY KEY("id","org_id");--> statement-breakpoint
ALTER TABLE "threshold_billings" ADD CONSTRAINT "threshold_billings_pkey" PRIMARY KEY("id","org_id");--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_pkey" PRIMARY KEY("id","org_id");--> statement-breakpoint
ALTER TABLE "subscription_discounts" ADD CONSTRAINT "subscription_discounts_pkey" PRIMARY KEY("id","org_id");--> statement-breakpoint
ALTER TABLE "customer_overrides" ADD CONSTRAINT "customer_overrides_pkey" PRIMARY KEY("id","org_id");--> statement-breakpoint
ALTER TABLE "addon_charges" ADD CONSTRAINT "addon_charges_pkey" PRIMARY KEY("id","org_id");--> statement-breakpoint
ALTER TABLE "subscription_addons" ADD CONSTRAINT "subscription_addons_pkey" PRIMARY KEY("id","org_id");--> statement-breakpoint
ALTER TABLE "usage_corrections" ADD CONSTRAINT "usage_corrections_pkey" PRIMARY KEY("id","org_id");--> statement-breakpoint
ALTER TABLE "subscription_history" ADD CONSTRAINT "subscription_history_subscription_fk" FOREIGN KEY ("org_id","subscription_id") REFERENCES "public"."subscriptions"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_plan_history" ADD CONSTRAINT "agent_plan_history_agent_fk" FOREIGN KEY ("org_id","agent_id") REFERENCES "public"."agents"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calls" ADD CONSTRAINT "calls_agent_fk" FOREIGN KEY ("org_id","agent_id") REFERENCES "public"."agents"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_note_lines" ADD CONSTRAINT "credit_note_lines_credit_note_fk" FOREIGN KEY ("org_id","credit_note_id") REFERENCES "public"."credit_notes"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_notes" ADD CONSTRAINT "credit_notes_invoice_fk" FOREIGN KEY ("org_id","invoice_id") REFERENCES "public"."invoices"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_notes" ADD CONSTRAINT "credit_notes_payment_fk" FOREIGN KEY ("org_id","payment_id") REFERENCES "public"."payments"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_lines" ADD CONSTRAINT "invoice_lines_invoice_fk" FOREIGN KEY ("org_id","invoice_id") REFERENCES "public"."invoices"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_subscription_fk" FOREIGN KEY ("org_id","subscription_id") REFERENCES "public"."subscriptions"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_invoice_fk" FOREIGN KEY ("org_id","invoice_id") REFERENCES "public"."invoices"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "period_billings" ADD CONSTRAINT "period_billings_subscription_fk" FOREIGN KEY ("org_id","subscription_id") REFERENCES "public"."subscriptions"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscription_discounts" ADD CONSTRAINT "subscription_discounts_subscription_fk" FOREIGN KEY ("org_id","subscription_id") REFERENCES "public"."subscriptions"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "addon_charges" ADD CONSTRAINT "addon_charges_subscription_fk" FOREIGN KEY ("org_id","subscription_id") REFERENCES "public"."subscriptions"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscription_addons" ADD CONSTRAINT "subscription_addons_subscription_fk" FOREIGN KEY ("org_id","subscription_id") REFERENCES "public"."subscriptions"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "subscriptions_external_id_key" ON "subscriptions" USING btree ("external_id","org_id") WHERE "subscriptions"."external_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "subscriptions_stripe_id_key" ON "subscriptions" USING btree ("stripe_subscription_id","org_id") WHERE "subscriptions"."stripe_subscription_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "checkout_sessions_provider_id_key" ON "checkout_sessions" USING btree ("provider_session_id","org_id") WHERE "checkout_sessions"."provider_session_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "credit_notes_number_key" ON "credit_notes" USING btree ("number","org_id");--> statement-breakpoint
CREATE UNIQUE INDEX "credit_notes_stripe_id_key" ON "credit_notes" USING btree ("stripe_credit_note_id","org_id") WHERE "credit_notes"."stripe_credit_note_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_number_key" ON "invoices" USING btree ("number","org_id");--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_stripe_id_key" ON "invoices" USING btree ("stripe_invoice_id","org_id") WHERE "invoices"."stripe_invoice_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_source_key" ON "invoices" USING btree ("source_key","org_id") WHERE "invoices"."source_key" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "payment_methods_provider_id_key" ON "payment_methods" USING btree ("provider","provider_method_id","org_id");--> statement-breakpoint
CREATE UNIQUE INDEX "payments_provider_id_key" ON "payments" USING btree ("provider","provider_payment_id","org_id");--> statement-breakpoint
CREATE UNIQUE INDEX "period_billings_period_key" ON "period_billings" USING btree ("subscription_id","period_start","org_id");--> statement-breakpoint
CREATE UNIQUE INDEX "threshold_billings_period_seq" ON "threshold_billings" USING btree ("subscription_id","period_start","seq","org_id");--> statement-breakpoint
CREATE UNIQUE INDEX "subscription_discounts_one_live" ON "subscription_discounts" USING btree ("subscription_id","org_id") WHERE "subscription_discounts"."removed_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "addon_charges_source_key" ON "addon_charges" USING btree ("source_key","org_id");--> statement-breakpoint
CREATE UNIQUE INDEX "subscription_addons_one_live" ON "subscription_addons" USING btree ("subscription_id","addon_id","org_id") WHERE "subscription_addons"."ended_at" is null;--> statement-breakpoint
-- Hand SQL: the numbers Tally has already issued are claimed in the seller's series (lib/invoices/numbers.ts).
INSERT INTO "document_numbers" ("kind", "number", "org_id", "claimed_at")
  SELECT 'invoice', "number", "org_id", "created_at" FROM "invoices" WHERE "provider" <> 'stripe'
  ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "document_numbers" ("kind", "number", "org_id", "claimed_at")
  SELECT 'credit_note', "number", "org_id", "created_at" FROM "credit_notes" WHERE "provider" <> 'stripe'
  ON CONFLICT DO NOTHING;
