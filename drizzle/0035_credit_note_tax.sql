ALTER TABLE "credit_note_lines" ADD COLUMN "tax_cents" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "credit_note_lines" ADD COLUMN "net_cents" bigint;--> statement-breakpoint
ALTER TABLE "credit_note_lines" ADD COLUMN "tax_percentage" numeric;--> statement-breakpoint
ALTER TABLE "credit_notes" ADD COLUMN "tax_cents" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "credit_notes" ADD COLUMN "tax" jsonb;