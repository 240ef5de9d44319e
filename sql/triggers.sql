--
-- promo_draw's writes behave like the executor's where users can see them:
-- row triggers fire on every path written in C (single calls and batches,
-- awards, stakes, code places, bonuses, draw results, messages), as for an
-- INSERT or UPDATE statement.  pg_repack and audit or queue triggers
-- (pgq, londiste) rely on it.
--
\set ECHO none
\i test/include/promo_test.sql
\set ECHO all

-- an audit trigger that counts every row it sees, by table and operation
CREATE TABLE promo_test.audit (tab text, op text, n bigint, PRIMARY KEY (tab, op));
CREATE FUNCTION promo_test.audit_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO promo_test.audit VALUES (TG_TABLE_NAME, TG_OP, 1)
	ON CONFLICT (tab, op) DO UPDATE SET n = audit.n + 1;
	RETURN NULL;
END
$$;
DO $$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['entry', 'partition_mark', 'code_shard', 'redemption', 'bonus',
	                         'bonus_event', 'outbox', 'result']
	LOOP
		EXECUTE format('CREATE TRIGGER audit AFTER INSERT OR UPDATE ON promo_draw.%I
		                FOR EACH ROW EXECUTE FUNCTION promo_test.audit_row()', t);
	END LOOP;
END
$$;
CREATE VIEW promo_test.seen AS SELECT tab, op, n FROM promo_test.audit ORDER BY tab, op;

-- awards: 3 customers, each a new entry, then one more award each; the
-- default milestones {1,10} give one message each
SELECT create_draw('triggers', '2100-01-01', opens_at => '2000-01-01', partitions => 1,
                   stake_per_ticket => 10) AS d \gset
SELECT award_tickets(:d, c, 1) FROM generate_series(1, 3) c;
SELECT award_tickets(:d, ARRAY[1, 2, 3], ARRAY[1, 1, 1]);
SELECT * FROM seen;
TRUNCATE audit;

-- stakes, with offsets: the partition's mark moves once per call
SELECT record_stake(:d, 4, 25, source_offset => 1);
SELECT record_stakes(:d, ARRAY[4, 5, 6], ARRAY[10, 10, 100], source_offsets => ARRAY[2, 3, 4]);
SELECT * FROM seen;
-- every row the triggers saw is a row that is there
SELECT (SELECT count(*) FROM entry WHERE draw_id = :d) AS entries,
       (SELECT sum(tickets) FROM entry WHERE draw_id = :d) AS tickets;
TRUNCATE audit;

-- the draw: one result per participant, each the customer's message
SELECT add_prize(:d, 'Prize', 10, 2);
SELECT close_partition(:d, 0);
SELECT count(*) AS results FROM run_draw(:d);
SELECT * FROM seen;
TRUNCATE audit;

-- a limited code: each redemption claims a place (an update of a counter)
SELECT create_code('TRIGGERED', '2000-01-01', '2100-01-01', max_redemptions => 5);
SELECT count(redeem('TRIGGERED', c)) FROM generate_series(1, 3) c;
SELECT * FROM seen;
TRUNCATE audit;

-- bonuses: grant (SQL), bets and wins (C): each updates the bonus and adds
-- an event; a bet seen before changes nothing
SELECT grant_bonus(7, 10, 1) AS b \gset
SELECT bonus_bet(:b, 2, bet_id => 'spin-1');
SELECT bonus_bet(:b, 2, bet_id => 'spin-1');
SELECT bonus_win(:b, 3, bet_id => 'spin-1');
SELECT bonus_bet(:b, 9);            -- clears the bonus: its message too
SELECT * FROM seen;
SELECT status FROM bonus_state(:b);
TRUNCATE audit;

-- a BEFORE trigger may change a row promo_draw writes: the row is written
-- as the trigger leaves it
CREATE FUNCTION promo_test.stamp_message() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	NEW.payload := NEW.payload || '{"stamped": true}';
	RETURN NEW;
END
$$;
CREATE TRIGGER stamp BEFORE INSERT ON promo_draw.outbox
	FOR EACH ROW EXECUTE FUNCTION promo_test.stamp_message();
SELECT create_draw('stamped', '2100-01-01', opens_at => '2000-01-01') AS s \gset
SELECT award_tickets(:s, 1, 1);
SELECT kind, payload - 'entry_ref' AS payload FROM outbox WHERE draw_id = :s;
-- but not skip it: the call would report work it did not record
CREATE OR REPLACE FUNCTION promo_test.stamp_message() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RETURN NULL;
END
$$;
SELECT * FROM error_of(format('SELECT promo_draw.award_tickets(%s, 2, 1)', :s));
SELECT count(*) AS entries_of_customer_2 FROM entry WHERE draw_id = :s AND customer_id = 2;
DROP TRIGGER stamp ON promo_draw.outbox;

-- a BEFORE UPDATE trigger on entries sees each row it changes, locked
CREATE FUNCTION promo_test.count_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO promo_test.audit VALUES (TG_TABLE_NAME, 'BEFORE ' || TG_OP, 1)
	ON CONFLICT (tab, op) DO UPDATE SET n = audit.n + 1;
	RETURN NEW;
END
$$;
CREATE TRIGGER before_update BEFORE UPDATE ON promo_draw.entry
	FOR EACH ROW EXECUTE FUNCTION promo_test.count_update();
TRUNCATE audit;
SELECT award_tickets(:s, 1, 2);
SELECT award_tickets(:s, ARRAY[1, 1], ARRAY[1, 1]);
SELECT * FROM seen;
SELECT tickets FROM entry WHERE draw_id = :s AND customer_id = 1;
DROP TRIGGER before_update ON promo_draw.entry;

DO $$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY ARRAY['entry', 'partition_mark', 'code_shard', 'redemption', 'bonus',
	                         'bonus_event', 'outbox', 'result']
	LOOP
		EXECUTE format('DROP TRIGGER audit ON promo_draw.%I', t);
	END LOOP;
END
$$;
