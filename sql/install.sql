--
-- install: what CREATE EXTENSION creates: labels of every function, pinned
-- search_path on every SECURITY DEFINER function, a comment on every public
-- object.
--
\set ECHO none
\i test/include/promo_test.sql
\set ECHO all

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

-- The shard side, which only a proxy's role calls, is a schema of its own:
-- PUBLIC may neither use it nor execute its functions.
SELECT p.proname AS function, p.pronargs AS args, p.provolatile AS volatility,
       p.proisstrict AS strict, p.proparallel AS parallel, p.prosecdef AS security_definer,
       EXISTS (SELECT FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) x
               WHERE x.grantee = 0) AS public_execute
FROM pg_proc p
WHERE p.pronamespace = 'promo_draw_shard'::regnamespace
ORDER BY p.proname, p.pronargs;
SELECT x.grantee, x.privilege_type
FROM pg_namespace n, aclexplode(n.nspacl) x
WHERE n.nspname = 'promo_draw_shard' AND x.grantee <> n.nspowner;
SELECT count(*) AS shard_functions_beside_the_api
FROM pg_proc p
WHERE p.pronamespace = 'promo_draw'::regnamespace AND p.proname LIKE 'shard\_%';

-- SECURITY DEFINER functions must pin search_path.
SELECT p.oid::regprocedure AS unpinned
FROM pg_proc p
WHERE p.pronamespace IN ('promo_draw'::regnamespace, 'promo_draw_shard'::regnamespace) AND p.prosecdef
  AND NOT coalesce(p.proconfig @> ARRAY['search_path=pg_catalog, pg_temp'], false);

-- Every function, aggregate, table and view has a comment.
SELECT p.oid::regprocedure::text AS uncommented
FROM pg_proc p
WHERE p.pronamespace IN ('promo_draw'::regnamespace, 'promo_draw_shard'::regnamespace)
  AND obj_description(p.oid, 'pg_proc') IS NULL
UNION ALL
SELECT c.oid::regclass::text
FROM pg_class c
WHERE c.relnamespace = 'promo_draw'::regnamespace AND c.relkind IN ('r', 'v', 'p')
  AND obj_description(c.oid, 'pg_class') IS NULL;
