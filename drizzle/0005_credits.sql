CREATE TABLE "credit_balances" (
	"org_id" text PRIMARY KEY NOT NULL,
	"balance" bigint DEFAULT 0 NOT NULL,
	"held" bigint DEFAULT 0 NOT NULL,
	"overage" bigint DEFAULT 0 NOT NULL,
	"last_seq" bigint DEFAULT 0 NOT NULL,
	"last_allocation" bigint DEFAULT 0 NOT NULL,
	"low_balance_threshold" bigint,
	"overage_price_per_credit" numeric,
	"overage_currency" text DEFAULT 'usd' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "credit_balances_held_nonnegative" CHECK ("credit_balances"."held" >= 0),
	CONSTRAINT "credit_balances_overage_nonnegative" CHECK ("credit_balances"."overage" >= 0)
);
--> statement-breakpoint
CREATE TABLE "credit_grants" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"source" text NOT NULL,
	"origin" text NOT NULL,
	"amount" bigint NOT NULL,
	"remaining" bigint NOT NULL,
	"priority" integer DEFAULT 0 NOT NULL,
	"expires_at" timestamp with time zone,
	"expired_at" timestamp with time zone,
	"idempotency_key" text,
	"reference" text,
	"credit_product_id" text,
	"subscription_id" text,
	"reason" text,
	"actor" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "credit_grants_remaining_range" CHECK ("credit_grants"."remaining" >= 0 and "credit_grants"."remaining" <= "credit_grants"."amount"),
	CONSTRAINT "credit_grants_amount_positive" CHECK ("credit_grants"."amount" > 0)
);
--> statement-breakpoint
CREATE TABLE "credit_ledger" (
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "credit_ledger_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"id" text NOT NULL,
	"org_id" text NOT NULL,
	"operation_id" text NOT NULL,
	"kind" text NOT NULL,
	"bucket_id" text,
	"source" text,
	"amount" bigint NOT NULL,
	"bucket_delta" bigint DEFAULT 0 NOT NULL,
	"balance_after" bigint NOT NULL,
	"held_after" bigint NOT NULL,
	"credit_event" text,
	"quantity" numeric,
	"reservation_id" text,
	"reference" text,
	"reason" text,
	"idempotency_key" text,
	"unit_price" numeric,
	"currency" text,
	"actor" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "credit_ledger_org_id_seq_pk" PRIMARY KEY("org_id","seq")
);
--> statement-breakpoint
CREATE TABLE "credit_reservations" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"credits" bigint NOT NULL,
	"status" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"committed_credits" bigint,
	"idempotency_key" text NOT NULL,
	"reference" text,
	"actor" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone,
	"result" jsonb,
	CONSTRAINT "credit_reservations_credits_positive" CHECK ("credit_reservations"."credits" > 0)
);
--> statement-breakpoint
ALTER TABLE "credit_balances" ADD CONSTRAINT "credit_balances_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_grants" ADD CONSTRAINT "credit_grants_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_ledger" ADD CONSTRAINT "credit_ledger_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_reservations" ADD CONSTRAINT "credit_reservations_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "credit_grants_org_idempotency_key" ON "credit_grants" USING btree ("org_id","idempotency_key") WHERE "credit_grants"."idempotency_key" is not null;--> statement-breakpoint
CREATE INDEX "credit_grants_org_live_idx" ON "credit_grants" USING btree ("org_id","id") WHERE "credit_grants"."remaining" > 0;--> statement-breakpoint
CREATE INDEX "credit_grants_due_idx" ON "credit_grants" USING btree ("expires_at") WHERE "credit_grants"."remaining" > 0 and "credit_grants"."expires_at" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "credit_ledger_id_key" ON "credit_ledger" USING btree ("org_id","id");--> statement-breakpoint
CREATE INDEX "credit_ledger_org_created_idx" ON "credit_ledger" USING btree ("org_id","created_at");--> statement-breakpoint
CREATE INDEX "credit_ledger_operation_idx" ON "credit_ledger" USING btree ("org_id","operation_id");--> statement-breakpoint
CREATE UNIQUE INDEX "credit_reservations_org_idempotency_key" ON "credit_reservations" USING btree ("org_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "credit_reservations_due_idx" ON "credit_reservations" USING btree ("expires_at") WHERE "credit_reservations"."status" = 'active';--> statement-breakpoint
CREATE INDEX "credit_reservations_org_active_idx" ON "credit_reservations" USING btree ("org_id","expires_at") WHERE "credit_reservations"."status" = 'active';