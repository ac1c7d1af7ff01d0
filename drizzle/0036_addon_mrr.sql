ALTER TABLE "subscription_history" ADD COLUMN "addon_cents" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD COLUMN "addon_cents" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
-- The recurring add-ons subscriptions hold now, so that MRR counts them from here on (history rows
-- written before stay as they were: they predate add-ons in MRR).
UPDATE "subscriptions" s SET "addon_cents" = x.cents
FROM (
  SELECT sa.subscription_id, sum(a.price_cents * sa.quantity) AS cents
  FROM "subscription_addons" sa JOIN "addons" a ON a.id = sa.addon_id
  WHERE sa.ended_at IS NULL AND a.kind = 'recurring'
  GROUP BY sa.subscription_id
) x
WHERE x.subscription_id = s.id;
