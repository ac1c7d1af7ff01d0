-- Hand-written (drizzle cannot express triggers): the credits ledger is append-only. An UPDATE or a
-- direct DELETE of a ledger row fails; corrections are new rows. Deleting an organization still
-- removes its rows through the foreign key's cascade (the only DELETE that arrives from another
-- trigger, hence pg_trigger_depth() > 1).
CREATE OR REPLACE FUNCTION credit_ledger_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' AND pg_trigger_depth() > 1 THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'credit_ledger is append-only: % is not allowed; write a correcting row instead', TG_OP
    USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER credit_ledger_append_only BEFORE UPDATE OR DELETE ON credit_ledger
  FOR EACH ROW EXECUTE FUNCTION credit_ledger_append_only();
