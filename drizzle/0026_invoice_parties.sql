ALTER TABLE "organizations" ADD COLUMN "billing_details" jsonb;--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "parties" jsonb;