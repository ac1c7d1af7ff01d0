CREATE TABLE "agent_plan_history" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"agent_id" text NOT NULL,
	"action" text NOT NULL,
	"previous_plan_id" text,
	"new_plan_id" text,
	"changed_by" text NOT NULL,
	"comments" text,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "agents" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"external_id" text,
	"plan_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"archived_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "calls" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"agent_id" text NOT NULL,
	"plan_id" text,
	"charges" jsonb,
	"currency" text,
	"status" text DEFAULT 'in_progress' NOT NULL,
	"external_id" text,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"usage_metrics" jsonb,
	"cost_exact" numeric,
	"cost_cents" bigint,
	"cost_lines" jsonb,
	"usage_recorded" boolean DEFAULT false NOT NULL,
	"finalized_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "agent_plan_history" ADD CONSTRAINT "agent_plan_history_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_plan_history" ADD CONSTRAINT "agent_plan_history_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_plan_history" ADD CONSTRAINT "agent_plan_history_previous_plan_id_plans_id_fk" FOREIGN KEY ("previous_plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_plan_history" ADD CONSTRAINT "agent_plan_history_new_plan_id_plans_id_fk" FOREIGN KEY ("new_plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agents" ADD CONSTRAINT "agents_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agents" ADD CONSTRAINT "agents_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calls" ADD CONSTRAINT "calls_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calls" ADD CONSTRAINT "calls_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calls" ADD CONSTRAINT "calls_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agent_plan_history_agent_idx" ON "agent_plan_history" USING btree ("org_id","agent_id","created_at");--> statement-breakpoint
CREATE INDEX "agents_org_idx" ON "agents" USING btree ("org_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "agents_org_external_id_key" ON "agents" USING btree ("org_id","external_id") WHERE "agents"."external_id" is not null;--> statement-breakpoint
CREATE INDEX "agents_without_plan_idx" ON "agents" USING btree ("org_id") WHERE "agents"."plan_id" is null and "agents"."archived_at" is null;--> statement-breakpoint
CREATE INDEX "calls_org_agent_idx" ON "calls" USING btree ("org_id","agent_id","started_at");--> statement-breakpoint
CREATE UNIQUE INDEX "calls_org_external_id_key" ON "calls" USING btree ("org_id","external_id") WHERE "calls"."external_id" is not null;--> statement-breakpoint
CREATE INDEX "calls_unpriced_idx" ON "calls" USING btree ("org_id","started_at") WHERE "calls"."cost_cents" is null;