--
-- best_ticket, best_tickets and stake_tickets against plain-SQL references
-- on generated data, NULL and empty groups, and every error.
--
\set ECHO none
\i test/include/promo_test.sql
\set ECHO all

-- 20,000 tickets over 2,000 customers, with NULL tickets and amounts, tickets
-- repeated within a customer, and a customer holding only NULLs.
CREATE TABLE bt AS
SELECT i % 2000 AS customer_id,
       CASE WHEN i % 97 = 0 THEN NULL ELSE md5('t' || i)::uuid END AS ticket,
       CASE WHEN i % 89 = 0 THEN NULL ELSE round((i % 1000) * 0.013, 3) END AS amount
FROM generate_series(1, 20000) i;
INSERT INTO bt SELECT customer_id, ticket, NULL FROM bt
WHERE customer_id < 100 AND ticket IS NOT NULL;
INSERT INTO bt VALUES (5000, NULL, NULL), (5000, NULL, NULL);

-- best_ticket agrees with the greatest ticket of each group
WITH ours AS (SELECT customer_id, best_ticket(ticket) AS best FROM bt GROUP BY 1),
     ref AS (SELECT customer_id,
                    (array_agg(ticket ORDER BY ticket DESC) FILTER (WHERE ticket IS NOT NULL))[1] AS best
             FROM bt GROUP BY 1)
SELECT count(*) AS groups,
       count(*) FILTER (WHERE o.best IS NOT DISTINCT FROM r.best) AS agree,
       count(*) FILTER (WHERE o.best IS NULL) AS null_groups
FROM ours o JOIN ref r USING (customer_id);

-- best_tickets agrees with the k greatest distinct tickets, for several k
SELECT k,
       count(*) AS groups,
       count(*) FILTER (WHERE o.best IS NOT DISTINCT FROM r.best) AS agree,
       max(cardinality(o.best)) AS longest
FROM generate_series(1, 12) k,
     LATERAL (SELECT customer_id, best_tickets(ticket, k) AS best FROM bt GROUP BY 1) o
     JOIN LATERAL (SELECT customer_id,
                          (array_agg(DISTINCT ticket ORDER BY ticket DESC)
                             FILTER (WHERE ticket IS NOT NULL))[1:k] AS best
                   FROM bt GROUP BY 1) r USING (customer_id)
WHERE k IN (1, 2, 3, 7, 12)
GROUP BY k ORDER BY k;

SELECT count(*) FILTER (WHERE o.best IS NOT DISTINCT FROM r.best) AS agree_k1000
FROM (SELECT customer_id, best_tickets(ticket, 1000) AS best FROM bt GROUP BY 1) o
JOIN (SELECT customer_id, array_agg(DISTINCT ticket ORDER BY ticket DESC)
                            FILTER (WHERE ticket IS NOT NULL) AS best
      FROM bt GROUP BY 1) r USING (customer_id);

-- stake_tickets agrees with floor(sum / per), exactly
SELECT per,
       count(*) AS groups,
       count(*) FILTER (WHERE o.tickets = r.tickets) AS agree,
       sum(o.tickets) AS tickets
FROM (VALUES (0.25), (1), (3.333), (1000)) p(per),
     LATERAL (SELECT customer_id, stake_tickets(amount, per) AS tickets FROM bt GROUP BY 1) o
     JOIN LATERAL (SELECT customer_id, coalesce(floor(sum(amount) / per), 0)::bigint AS tickets
                   FROM bt GROUP BY 1) r USING (customer_id)
GROUP BY per ORDER BY per;

-- hand-checked values
SELECT best_ticket(t), best_tickets(t, 2), best_tickets(t, 5)
FROM (VALUES ('00000000-0000-0000-0000-000000000001'::uuid),
             ('ffffffff-0000-0000-0000-000000000000'),
             (NULL),
             ('ffffffff-0000-0000-0000-000000000000'),
             ('80000000-0000-0000-0000-000000000000')) v(t);

-- exact in numeric where float is not: 30 x 0.1 buys 10 tickets at 0.3
SELECT stake_tickets(0.1, 0.3) AS exact, floor(sum(0.1::float8) / 0.3::float8) AS float8
FROM generate_series(1, 30);

-- empty and all-NULL groups
SELECT best_ticket(t) IS NULL AS best_null, best_tickets(t, 3) IS NULL AS list_null
FROM (VALUES (NULL::uuid)) v(t);
SELECT best_ticket(ticket) IS NULL AS best_null, best_tickets(ticket, 3) IS NULL AS list_null,
       stake_tickets(amount, 1) AS tickets
FROM bt WHERE false;
SELECT stake_tickets(a, 1) FROM (VALUES (NULL::numeric), (NULL)) v(a);
-- a NULL ticket needs no k, and a NULL amount no stake per ticket
SELECT best_tickets(NULL::uuid, NULL), stake_tickets(NULL, NULL);

-- best_ticket can use an index (SORTOP), like max()
CREATE INDEX ON bt (ticket);
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT best_ticket(ticket) FROM bt;
SELECT best_ticket(ticket) = (SELECT max(ticket::text)::uuid FROM bt) AS index_agrees FROM bt;
RESET enable_seqscan;

-- errors: k out of range, NULL or changing within a group
SELECT * FROM error_of($$SELECT best_tickets(ticket, 0) FROM bt$$);
SELECT * FROM error_of($$SELECT best_tickets(ticket, 1001) FROM bt$$);
SELECT * FROM error_of($$SELECT best_tickets(ticket, -5) FROM bt$$);
SELECT * FROM error_of($$SELECT best_tickets(ticket, NULL) FROM bt$$);
SELECT * FROM error_of($$SELECT best_tickets(ticket, 1 + customer_id % 2) FROM bt$$);

-- errors: stake per ticket not positive and finite, NULL or changing
SELECT * FROM error_of($$SELECT stake_tickets(amount, 0) FROM bt$$);
SELECT * FROM error_of($$SELECT stake_tickets(amount, -1) FROM bt$$);
SELECT * FROM error_of($$SELECT stake_tickets(amount, 'NaN') FROM bt$$);
SELECT * FROM error_of($$SELECT stake_tickets(amount, 'Infinity') FROM bt$$);
SELECT * FROM error_of($$SELECT stake_tickets(amount, NULL) FROM bt$$);
SELECT * FROM error_of($$SELECT stake_tickets(amount, 1 + customer_id % 2) FROM bt$$);

-- errors: amounts negative, NaN or infinite; a result beyond bigint
SELECT * FROM error_of($$SELECT stake_tickets(a, 1) FROM (VALUES (1), (-0.01)) v(a)$$);
SELECT * FROM error_of($$SELECT stake_tickets(a, 1) FROM (VALUES (1), ('NaN'::numeric)) v(a)$$);
SELECT * FROM error_of($$SELECT stake_tickets(a, 1) FROM (VALUES ('Infinity'::numeric)) v(a)$$);
SELECT * FROM error_of($$SELECT stake_tickets(a, 1) FROM (VALUES ('-Infinity'::numeric)) v(a)$$);
SELECT * FROM error_of($$SELECT stake_tickets(a, 0.5) FROM (VALUES (1e18), (4e18)) v(a)$$);

-- Deserialization checks every byte.  Bind throwaway functions to the C
-- deserializers: they cannot be called from SQL otherwise.  A well-formed
-- state passes every check and stops at the aggregate-context check.
CREATE FUNCTION test_best_tickets_state(bytea) RETURNS void
	AS '$libdir/promo_draw', 'best_tickets_deserialize' LANGUAGE C STRICT;
CREATE FUNCTION test_stake_tickets_state(bytea) RETURNS void
	AS '$libdir/promo_draw', 'stake_tickets_deserialize' LANGUAGE C STRICT;
\set t1 '''\\xffffffffffffffffffffffffffffffff'''
\set t2 '''\\x00000000000000000000000000000001'''
SELECT test_best_tickets_state('\x');
SELECT test_best_tickets_state('\x010000000300');
SELECT test_best_tickets_state('\x02' || int4send(3) || int4send(1) || :t1::bytea);
SELECT test_best_tickets_state('\x01' || int4send(0) || int4send(1) || :t1::bytea);
SELECT test_best_tickets_state('\x01' || int4send(1001) || int4send(1) || :t1::bytea);
SELECT test_best_tickets_state('\x01' || int4send(-1) || int4send(1) || :t1::bytea);
SELECT test_best_tickets_state('\x01' || int4send(3) || int4send(0));
SELECT test_best_tickets_state('\x01' || int4send(3) || int4send(4) || :t1::bytea);
SELECT test_best_tickets_state('\x01' || int4send(3) || int4send(2) || :t1::bytea);
SELECT test_best_tickets_state('\x01' || int4send(3) || int4send(1) || :t1::bytea || '\x00');
SELECT test_best_tickets_state('\x01' || int4send(3) || int4send(2) || :t2::bytea || :t1::bytea);
SELECT test_best_tickets_state('\x01' || int4send(3) || int4send(2) || :t1::bytea || :t1::bytea);
SELECT test_best_tickets_state('\x01' || int4send(3) || int4send(2) || :t1::bytea || :t2::bytea);

-- a stake_tickets state: version, then each number with its length
CREATE FUNCTION test_state(variadic parts bytea[]) RETURNS bytea LANGUAGE sql
	AS $$ SELECT '\x01'::bytea || string_agg(int4send(length(p)) || p, ''::bytea)
	      FROM unnest(parts) p $$;
SELECT test_stake_tickets_state('\x');
SELECT test_stake_tickets_state('\x02');
SELECT test_stake_tickets_state('\x01');
SELECT test_stake_tickets_state('\x01' || int4send(-1));
SELECT test_stake_tickets_state('\x01' || int4send(1000) || numeric_send(1.5));
SELECT test_stake_tickets_state('\x01' || int4send(4) || '\x0001ffff'::bytea);
SELECT test_stake_tickets_state('\x01' || int4send(14) || numeric_send(1.5) || '\x0000');
SELECT test_stake_tickets_state(test_state(numeric_send(1.5)));
SELECT test_stake_tickets_state(test_state('\x0001000000000000ffff'));
SELECT test_stake_tickets_state(test_state(numeric_send(-1.5), numeric_send(1.5)));
SELECT test_stake_tickets_state(test_state(numeric_send(1.5), numeric_send(0.0)));
SELECT test_stake_tickets_state(test_state(numeric_send(1.5), numeric_send('NaN')));
SELECT test_stake_tickets_state(test_state(numeric_send(1.5), numeric_send(2.5)) || '\x00');
SELECT test_stake_tickets_state(test_state(numeric_send(1.5), numeric_send(2.5)));
DROP FUNCTION test_best_tickets_state(bytea), test_stake_tickets_state(bytea), test_state(bytea[]);
DROP TABLE bt;
