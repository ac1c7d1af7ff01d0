CREATE TABLE "features" (
	"id" text PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"unit" text,
	"sort_order" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"archived_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "plans" ADD COLUMN "features" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "features_key_key" ON "features" USING btree ("key");--> statement-breakpoint
-- The per-meter limits plans already carry become metered features, keyed by their meter's code.
INSERT INTO "features" ("id", "key", "kind", "name", "unit")
SELECT 'feat_' || m.id, m.code, 'metered', m.name, NULL
  FROM "meters" m
 WHERE EXISTS (SELECT 1 FROM "plans" p, jsonb_array_elements(p.limits) l WHERE l->>'meter' = m.code)
ON CONFLICT ("key") DO NOTHING;
