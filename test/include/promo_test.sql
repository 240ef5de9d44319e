-- Included at the top of every regress test (sql/*.sql), so that each
-- runs on its own (make installcheck REGRESS=stake): a fresh promo_draw, and
-- the tests' helpers in schema promo_test, which also holds whatever a test
-- creates and is dropped with it.  Tests include it with ECHO off, so that
-- their expected output does not repeat it.
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS promo_draw CASCADE;
DROP SCHEMA IF EXISTS promo_test CASCADE;
CREATE EXTENSION promo_draw CASCADE;
CREATE SCHEMA promo_test;
GRANT USAGE ON SCHEMA promo_test TO PUBLIC;   -- tests that SET ROLE use the helpers too
RESET client_min_messages;

-- Test helper: run a statement and report the error it raises, SQLSTATE
-- included, as one row ('00000' when it succeeds).
CREATE FUNCTION promo_test.error_of(query text)
RETURNS TABLE (code text, message text, detail text, hint text)
LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE query;
	RETURN QUERY SELECT '00000'::text, NULL::text, NULL::text, NULL::text;
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS code = RETURNED_SQLSTATE, message = MESSAGE_TEXT,
		detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
	RETURN NEXT;
END
$$;

-- Test helper: give a draw a known seed, so its tickets (and the expected
-- output) are the same on every run.  Only before any ticket is issued.
CREATE FUNCTION promo_test.fix_seed(draw_id bigint, phrase text) RETURNS void
LANGUAGE sql AS $$
	UPDATE promo_draw.draw_secret
	SET seed = sha256(convert_to(phrase, 'UTF8')),
	    ref_key = sha256(convert_to('ref ' || phrase, 'UTF8'))
	WHERE draw_secret.draw_id = fix_seed.draw_id;
	UPDATE promo_draw.draw
	SET seed_hash = sha256(sha256(convert_to(phrase, 'UTF8')))
	WHERE draw.draw_id = fix_seed.draw_id;
$$;

-- Test helper: give a draw a known key for its entry references (a sealed
-- draw's order depends on them), and its entries the references it gives,
-- so that its results are the same on every run.  A sealed draw's digest
-- covers the references: beacon_now() computes it again.
CREATE FUNCTION promo_test.fix_ref_key(draw_id bigint, phrase text) RETURNS void
LANGUAGE sql AS $$
	UPDATE promo_draw.draw_secret SET ref_key = sha256(convert_to('ref ' || phrase, 'UTF8'))
	WHERE draw_secret.draw_id = fix_ref_key.draw_id;
	UPDATE promo_draw.entry SET entry_ref = promo_draw.entry_ref(entry.draw_id, entry.customer_id)
	WHERE entry.draw_id = fix_ref_key.draw_id;
$$;

-- Test helper: time passes for a sealed draw until its beacon is due: its
-- times move to fixed ones in the past (it ran on 1 January 2000, was sealed
-- at noon on the 2nd, and its beacon was due on the 3rd), and the digest the
-- seal recorded with its due time follows, so that the beacon value can be
-- given now and the draw, which depends on the due time through the digest,
-- is the same on every run.
CREATE FUNCTION promo_test.beacon_now(draw_id bigint) RETURNS void
LANGUAGE sql AS $$
	UPDATE promo_draw.draw
	SET opens_at = '2000-01-01', closes_at = '2000-01-02', draw_at = '2000-01-02',
	    sealed_at = '2000-01-02 12:00', seal_committed_at = '2000-01-02 12:00:01',
	    beacon_due_at = '2000-01-03'
	WHERE draw.draw_id = beacon_now.draw_id AND seal_committed_at IS NOT NULL;
	UPDATE promo_draw.draw SET entry_digest = promo_draw.sealed_digest(beacon_now.draw_id)
	WHERE draw.draw_id = beacon_now.draw_id;
$$;

-- Test helper: time passes for a draw: it ran from 1 to 2 January 2000.
CREATE FUNCTION promo_test.close_by_time(draw_id bigint) RETURNS void
LANGUAGE sql AS $$
	UPDATE promo_draw.draw
	SET opens_at = '2000-01-01', closes_at = '2000-01-02', draw_at = '2000-01-02'
	WHERE draw.draw_id = close_by_time.draw_id
$$;

-- Test helper: a customer's tickets recomputed with pgcrypto, best first.
CREATE FUNCTION promo_test.tickets_of(draw_id bigint, customer_id bigint)
RETURNS TABLE (n bigint, ticket uuid)
LANGUAGE sql AS $$
	SELECT j, encode(substr(hmac(int8send(tickets_of.draw_id) || int8send(tickets_of.customer_id)
	                             || int8send(j), d.seed, 'sha256'), 1, 16), 'hex')::uuid
	FROM promo_draw.draw_secret d, promo_draw.entry e, generate_series(1, e.tickets) j
	WHERE d.draw_id = tickets_of.draw_id AND e.draw_id = d.draw_id
	  AND e.customer_id = tickets_of.customer_id
	ORDER BY 2 DESC
$$;

SET search_path = promo_test, promo_draw, public;
