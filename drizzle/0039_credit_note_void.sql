ALTER TABLE "credit_notes" ADD COLUMN "void_reason" text;--> statement-breakpoint
ALTER TABLE "credit_notes" ADD COLUMN "voided_by" text;--> statement-breakpoint
ALTER TABLE "credit_notes" ADD COLUMN "voided_at" timestamp with time zone;