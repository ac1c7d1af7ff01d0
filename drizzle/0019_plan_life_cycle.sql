ALTER TABLE "plans" ADD COLUMN "published_at" timestamp with time zone DEFAULT now();--> statement-breakpoint
-- Every plan that exists before the life cycle has been offered: none of them is a draft.
UPDATE "plans" SET "published_at" = "created_at";
