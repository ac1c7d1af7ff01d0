CREATE TABLE "import_links" (
	"source" text NOT NULL,
	"kind" text NOT NULL,
	"source_id" text NOT NULL,
	"target_id" text NOT NULL,
	"fingerprint" text NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "import_links_pkey" PRIMARY KEY("source","kind","source_id")
);
--> statement-breakpoint
CREATE TABLE "import_schedules" (
	"id" text PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"api_url" text NOT NULL,
	"api_key_sealed" text NOT NULL,
	"every_hours" integer NOT NULL,
	"next_run_at" timestamp with time zone NOT NULL,
	"last_import_id" text,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "imports" (
	"id" text PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"dry_run" boolean NOT NULL,
	"api_url" text NOT NULL,
	"status" text NOT NULL,
	"error" text,
	"counts" jsonb,
	"items" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"actor" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "import_schedules_source_key" ON "import_schedules" USING btree ("source");--> statement-breakpoint
CREATE INDEX "import_schedules_due_idx" ON "import_schedules" USING btree ("next_run_at");--> statement-breakpoint
CREATE INDEX "imports_started_idx" ON "imports" USING btree ("started_at");