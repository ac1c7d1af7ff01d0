-- Hand-written (usage_events is not in the drizzle schema): late usage (lib/payments/late-usage.ts)
-- looks, at each period close, for a customer's events ingested after its watermark but timestamped
-- in an earlier, already billed period. Events stored more than an hour after their own time are
-- few and are found by this partial index; an event stored within the hour is timestamped within
-- the hour before the watermark and is found by usage_events_org_time_idx. Neither read scans the
-- customer's history or the current period's events.
CREATE INDEX "usage_events_late_idx" ON "usage_events" USING btree ("org_id", "ingested_at") WHERE ("ingested_at" - "timestamp") > interval '1 hour';
