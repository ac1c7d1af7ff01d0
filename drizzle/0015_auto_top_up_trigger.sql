-- Hand-written (drizzle cannot express triggers): auto top-up's crossing detector. A movement that
-- takes an organization's balance from at or above its auto top-up threshold to below it enqueues
-- one outbox job (credits.auto_top_up), in the movement's own transaction: it is never lost when
-- the process dies after the commit, and never sent for a movement that rolled back. Movements of
-- one organization are serialized by this row's lock, so concurrent spends that cross together
-- cross once; the dedupe key (the crossing movement's ledger seq) makes the job the crossing's only
-- one. The WHEN clause is evaluated without calling the function, so a movement that does not
-- cross pays nothing for it.
CREATE OR REPLACE FUNCTION credit_balances_auto_top_up_crossed() RETURNS trigger AS $$
BEGIN
  INSERT INTO jobs (id, kind, org_id, payload, dedupe_key, max_attempts)
  VALUES ('job_' || replace(gen_random_uuid()::text, '-', ''), 'credits.auto_top_up', NEW.org_id,
          jsonb_build_object('crossing_key', 'seq:' || NEW.last_seq, 'balance', NEW.balance,
                             'threshold', NEW.auto_top_up_below),
          'credits.auto_top_up:' || NEW.org_id || ':seq:' || NEW.last_seq, 5)
  ON CONFLICT DO NOTHING;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER credit_balances_auto_top_up AFTER UPDATE OF balance ON credit_balances
  FOR EACH ROW
  WHEN (NEW.auto_top_up_below IS NOT NULL AND NEW.balance < NEW.auto_top_up_below
        AND OLD.balance >= NEW.auto_top_up_below)
  EXECUTE FUNCTION credit_balances_auto_top_up_crossed();
