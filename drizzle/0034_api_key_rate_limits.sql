ALTER TABLE "api_keys" ADD COLUMN "rate_limit_per_second" integer DEFAULT 1000 NOT NULL;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "rate_limit_burst" integer DEFAULT 2000 NOT NULL;