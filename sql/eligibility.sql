--
-- Eligibility functions run in a sandbox: as the draw's creator, as a
-- security-restricted operation, in a subtransaction that is rolled back,
-- at a GUC level of their own.  Whatever they do, the session that runs
-- the draw (a superuser's, or pg_cron's) is left as it was.
--
\set ECHO none
\i test/include/promo_test.sql
\set ECHO all

-- the roles of examples/roles.sql, and an operator who owns a schema
\set ECHO none
\set QUIET on
\i examples/roles.sql
\set QUIET off
\set ECHO all
CREATE ROLE regress_op1 LOGIN IN ROLE promo_operator;
CREATE SCHEMA regress_opx AUTHORIZATION regress_op1;

-- A ready draw made by regress_op1 with the given eligibility function and
-- one customer holding a ticket; with due, it is ready by the clock for
-- run_due_draws, else by its partition for run_draw.
CREATE FUNCTION promo_test.operator_draw(label text, rule regprocedure, due boolean DEFAULT false)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	d bigint;
BEGIN
	SET LOCAL ROLE regress_op1;
	d := promo_draw.create_draw(label, '2100-01-01', opens_at => '2000-01-01',
	                            partitions => CASE WHEN due THEN 0 ELSE 1 END,
	                            milestones => '{}', eligibility => rule);
	PERFORM promo_draw.add_prize(d, 'Car', 100);
	RESET ROLE;
	PERFORM promo_draw.award_tickets(d, 1, 3);
	IF due THEN
		PERFORM promo_test.close_by_time(d);
	ELSE
		PERFORM promo_draw.close_partition(d, 0);
	END IF;
	RETURN d;
END
$$;

-- every setting of the session, to compare before and after a draw
CREATE FUNCTION promo_test.settings() RETURNS TABLE (name text, setting text, source text)
LANGUAGE sql AS $$ SELECT name, setting, source FROM pg_settings $$;

--
-- The attack: the rule sets the session's search_path to a schema of its
-- creator's, where upper() makes the creator superuser when the draw's
-- runner calls it next.
--
SET ROLE regress_op1;
CREATE FUNCTION regress_opx.elig(bigint) RETURNS boolean LANGUAGE plpgsql AS $f$
BEGIN PERFORM pg_catalog.set_config('search_path', 'regress_opx, pg_catalog', false); RETURN true; END $f$;
CREATE FUNCTION regress_opx.upper(text) RETURNS text LANGUAGE plpgsql AS $f$
BEGIN EXECUTE 'ALTER ROLE regress_op1 SUPERUSER'; RETURN pg_catalog.upper($1); END $f$;
RESET ROLE;

SELECT operator_draw('attack', 'regress_opx.elig(bigint)') AS d \gset
CREATE TEMP TABLE settings_before AS SELECT * FROM promo_test.settings();
SELECT place, customer_id, prize, outcome FROM run_draw(:d);
SHOW search_path;
SELECT upper('hello');
SELECT rolsuper FROM pg_roles WHERE rolname = 'regress_op1';
-- nothing else moved either
(SELECT * FROM promo_test.settings() EXCEPT SELECT * FROM settings_before)
UNION ALL
(SELECT * FROM settings_before EXCEPT SELECT * FROM promo_test.settings());

-- the same draw run by run_due_draws, as pg_cron would
SELECT operator_draw('attack on schedule', 'regress_opx.elig(bigint)', due => true) AS d \gset
SELECT run_due_draws();
SELECT status FROM draw WHERE draw_id = :d;
SHOW search_path;
SELECT upper('hello');
SELECT rolsuper FROM pg_roles WHERE rolname = 'regress_op1';
(SELECT * FROM promo_test.settings() EXCEPT SELECT * FROM settings_before)
UNION ALL
(SELECT * FROM settings_before EXCEPT SELECT * FROM promo_test.settings());

--
-- Settings of every kind, session and local, are undone after each call.
--
SET ROLE regress_op1;
CREATE FUNCTION regress_opx.settles(bigint) RETURNS boolean LANGUAGE plpgsql AS $f$
BEGIN
	PERFORM set_config('work_mem', '77MB', false),
	        set_config('statement_timeout', '1', false),
	        set_config('application_name', 'owned', false),
	        set_config('promo_test_custom.flag', 'on', false),
	        set_config('search_path', 'regress_opx', true);
	SET datestyle = 'SQL, DMY';
	RETURN true;
END $f$;
RESET ROLE;
SELECT operator_draw('settings', 'regress_opx.settles(bigint)') AS d \gset
SELECT count(*) AS results FROM run_draw(:d);
SELECT current_setting('promo_test_custom.flag', true) AS custom_flag;
(SELECT * FROM promo_test.settings() EXCEPT SELECT * FROM settings_before)
UNION ALL
(SELECT * FROM settings_before EXCEPT SELECT * FROM promo_test.settings());
SELECT operator_draw('settings on schedule', 'regress_opx.settles(bigint)', due => true) AS d \gset
SELECT run_due_draws();
SELECT status FROM draw WHERE draw_id = :d;
(SELECT * FROM promo_test.settings() EXCEPT SELECT * FROM settings_before)
UNION ALL
(SELECT * FROM settings_before EXCEPT SELECT * FROM promo_test.settings());

--
-- Writes are undone: the function answers a question and changes nothing.
--
CREATE TABLE promo_test.scribbles (customer_id bigint);
GRANT INSERT, SELECT ON promo_test.scribbles TO regress_op1;
SET ROLE regress_op1;
CREATE FUNCTION regress_opx.scribbles(customer bigint) RETURNS boolean LANGUAGE sql AS $f$
	INSERT INTO promo_test.scribbles VALUES (customer) RETURNING true $f$;
RESET ROLE;
SELECT operator_draw('writes', 'regress_opx.scribbles(bigint)') AS d \gset
SELECT outcome FROM run_draw(:d);
SELECT count(*) AS scribbles FROM promo_test.scribbles;

--
-- Cursors left open are closed; transaction-level advisory locks are
-- released with the call.
--
SET ROLE regress_op1;
CREATE FUNCTION regress_opx.leaves_cursor(bigint) RETURNS boolean LANGUAGE plpgsql AS $f$
DECLARE
	c refcursor := 'left_open';
BEGIN
	OPEN c FOR SELECT 1;
	RETURN true;
END $f$;
CREATE FUNCTION regress_opx.xact_lock(bigint) RETURNS boolean LANGUAGE sql AS $f$
	SELECT pg_advisory_xact_lock(4242) IS NOT NULL $f$;
RESET ROLE;
BEGIN;
SELECT operator_draw('cursor', 'regress_opx.leaves_cursor(bigint)') AS d \gset
SELECT outcome FROM run_draw(:d);
SELECT count(*) AS open_cursors FROM pg_cursors WHERE name = 'left_open';
SELECT operator_draw('transaction lock', 'regress_opx.xact_lock(bigint)') AS d \gset
SELECT outcome FROM run_draw(:d);
SELECT count(*) AS advisory_locks FROM pg_locks
WHERE locktype = 'advisory' AND pid = pg_backend_pid();
COMMIT;

--
-- What a rollback would not undo is refused: prepared statements, loaded
-- libraries, session-level advisory locks taken or released.  The draw
-- fails and writes nothing; the session keeps what it had.
--
PREPARE mine AS SELECT 1;
SELECT pg_advisory_lock(99);
SET ROLE regress_op1;
CREATE FUNCTION regress_opx.prepares(bigint) RETURNS boolean LANGUAGE plpgsql AS $f$
BEGIN EXECUTE 'PREPARE planted AS SELECT 1'; RETURN true; END $f$;
CREATE FUNCTION regress_opx.deallocates(bigint) RETURNS boolean LANGUAGE plpgsql AS $f$
BEGIN EXECUTE 'DEALLOCATE ALL'; RETURN true; END $f$;
CREATE FUNCTION regress_opx.loads(bigint) RETURNS boolean LANGUAGE plpgsql AS $f$
BEGIN EXECUTE 'LOAD ''plpgsql'''; RETURN true; END $f$;
CREATE FUNCTION regress_opx.session_lock(bigint) RETURNS boolean LANGUAGE sql AS $f$
	SELECT pg_advisory_lock(4243) IS NOT NULL $f$;
CREATE FUNCTION regress_opx.unlocks(bigint) RETURNS boolean LANGUAGE sql AS $f$
	SELECT pg_advisory_unlock(99) $f$;
CREATE FUNCTION regress_opx.listens(bigint) RETURNS boolean LANGUAGE plpgsql AS $f$
BEGIN LISTEN planted; RETURN true; END $f$;
CREATE FUNCTION regress_opx.sets_role(bigint) RETURNS boolean LANGUAGE plpgsql AS $f$
BEGIN SET ROLE promo_operator; RETURN true; END $f$;
RESET ROLE;
CREATE TEMP TABLE refused AS
SELECT rule, promo_test.operator_draw(rule, format('regress_opx.%s(bigint)', rule)::regprocedure) AS d
FROM unnest(ARRAY['prepares', 'deallocates', 'loads', 'session_lock', 'unlocks',
                  'listens', 'sets_role']) AS rule;
SELECT rule, e.code, e.message, e.detail
FROM refused, LATERAL promo_test.error_of(format('SELECT * FROM promo_draw.run_draw(%s)', d)) AS e
ORDER BY d;
SELECT count(*) FILTER (WHERE status = 'open') AS still_open,
       (SELECT count(*) FROM result WHERE draw_id IN (SELECT d FROM refused)) AS results
FROM draw WHERE draw_id IN (SELECT d FROM refused);
SELECT name FROM pg_prepared_statements ORDER BY name;
SELECT objid AS advisory_lock FROM pg_locks
WHERE locktype = 'advisory' AND pid = pg_backend_pid() ORDER BY objid;
SELECT pg_advisory_unlock_all();
DEALLOCATE mine;

-- run_due_draws records such a failure on the draw and goes on
SELECT operator_draw('session lock on schedule', 'regress_opx.session_lock(bigint)', due => true) AS d \gset
SET client_min_messages = error;
SELECT run_due_draws();
RESET client_min_messages;
SELECT status, failed_runs, last_error FROM draw WHERE draw_id = :d;
SELECT count(*) AS advisory_locks FROM pg_locks
WHERE locktype = 'advisory' AND pid = pg_backend_pid();
SELECT cancel_draw(:d);

-- A call that takes a session lock and then fails leaves no lock behind:
-- the draw fails with the call's own error, and the lock was released.
SET ROLE regress_op1;
CREATE FUNCTION regress_opx.locks_then_fails(bigint) RETURNS boolean LANGUAGE plpgsql AS $f$
BEGIN PERFORM pg_advisory_lock(4244); RAISE EXCEPTION 'fails holding a lock'; END $f$;
RESET ROLE;
SELECT operator_draw('locks then fails', 'regress_opx.locks_then_fails(bigint)') AS d \gset
SELECT code, message FROM promo_test.error_of(format('SELECT * FROM promo_draw.run_draw(%s)', :d));
SELECT count(*) AS advisory_locks FROM pg_locks
WHERE locktype = 'advisory' AND pid = pg_backend_pid();
SELECT cancel_draw(:d);

-- A draw asks its eligibility function about every customer who gets the
-- default prize, each call in a sandbox; the sandbox keeps nothing of a
-- call (it once kept about 5 kB of lock-table copies per call).  The
-- function looks at the backend's memory every hundredth customer and says
-- no once it has grown by 8 MB: 3,000 calls must leave every one eligible.
CREATE FUNCTION regress_opx.while_memory_lasts(c bigint) RETURNS boolean LANGUAGE sql AS $f$
	SELECT c % 100 <> 0 OR (SELECT sum(total_bytes) FROM pg_backend_memory_contexts)
	                       < current_setting('promo_test.memory_at_start')::bigint + 8000000 $f$;
SELECT create_draw('Memory', '2100-01-01', opens_at => '2000-01-01', partitions => 1,
                   milestones => '{}', default_prize => 'a spin',
                   eligibility => 'regress_opx.while_memory_lasts(bigint)') AS d \gset
SELECT award_tickets(:d, array_agg(c), NULL) FROM generate_series(1, 3000) c;
SELECT close_partition(:d, 0);
SELECT promo_test.close_by_time(:d);
SELECT set_config('promo_test.memory_at_start', sum(total_bytes)::text, false) IS NOT NULL AS measured
FROM pg_backend_memory_contexts;
SELECT outcome, count(*) FROM run_draw(:d) GROUP BY outcome ORDER BY outcome;

DROP SCHEMA regress_opx CASCADE;
DROP TABLE promo_test.scribbles;
DROP OWNED BY regress_op1, promo_app, promo_operator, promo_reporting;
DROP ROLE regress_op1, promo_app, promo_operator, promo_reporting;
