--
-- setup: install the extension the other tests use, and check what it
-- creates: labels of every function, pinned search_path on every SECURITY
-- DEFINER function, a comment on every public object.
--
CREATE EXTENSION promo_draw CASCADE;

SELECT e.extname, e.extversion, e.extrelocatable, n.nspname AS schema
FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname = 'promo_draw';

-- Every function with its volatility (i/s/v), strictness, parallel safety
-- (s/r/u) and security.  A change here is a change to the SQL contract.
SELECT p.proname AS function, p.pronargs AS args, p.prokind AS kind,
       p.provolatile AS volatility, p.proisstrict AS strict,
       p.proparallel AS parallel, p.prosecdef AS security_definer
FROM pg_proc p
WHERE p.pronamespace = 'promo_draw'::regnamespace
ORDER BY p.proname, p.pronargs;

-- SECURITY DEFINER functions must pin search_path.
SELECT p.oid::regprocedure AS unpinned
FROM pg_proc p
WHERE p.pronamespace = 'promo_draw'::regnamespace AND p.prosecdef
  AND NOT coalesce(p.proconfig @> ARRAY['search_path=pg_catalog, pg_temp'], false);

-- Every function, aggregate, table and view has a comment.
SELECT p.oid::regprocedure::text AS uncommented
FROM pg_proc p
WHERE p.pronamespace = 'promo_draw'::regnamespace
  AND obj_description(p.oid, 'pg_proc') IS NULL
UNION ALL
SELECT c.oid::regclass::text
FROM pg_class c
WHERE c.relnamespace = 'promo_draw'::regnamespace AND c.relkind IN ('r', 'v', 'p')
  AND obj_description(c.oid, 'pg_class') IS NULL;

-- Test helper: run a statement and report the error it raises, SQLSTATE
-- included, as one row ('00000' when it succeeds).
CREATE FUNCTION public.error_of(query text)
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
CREATE FUNCTION public.fix_seed(draw_id bigint, phrase text) RETURNS void
LANGUAGE sql AS $$
	UPDATE promo_draw.draw
	SET seed = sha256(convert_to(phrase, 'UTF8')),
	    seed_hash = sha256(sha256(convert_to(phrase, 'UTF8')))
	WHERE draw.draw_id = fix_seed.draw_id
$$;

-- Test helper: time passes for a draw: it ran from 1 to 2 January 2000.
CREATE FUNCTION public.close_by_time(draw_id bigint) RETURNS void
LANGUAGE sql AS $$
	UPDATE promo_draw.draw
	SET opens_at = '2000-01-01', closes_at = '2000-01-02', draw_at = '2000-01-02'
	WHERE draw.draw_id = close_by_time.draw_id
$$;

-- Test helper: a customer's tickets recomputed with pgcrypto, best first.
CREATE FUNCTION public.tickets_of(draw_id bigint, customer_id bigint)
RETURNS TABLE (n bigint, ticket uuid)
LANGUAGE sql AS $$
	SELECT j, encode(substr(hmac(int8send(tickets_of.draw_id) || int8send(tickets_of.customer_id)
	                             || int8send(j), d.seed, 'sha256'), 1, 16), 'hex')::uuid
	FROM promo_draw.draw d, promo_draw.entry e, generate_series(1, e.tickets) j
	WHERE d.draw_id = tickets_of.draw_id AND e.draw_id = d.draw_id
	  AND e.customer_id = tickets_of.customer_id
	ORDER BY 2 DESC
$$;
