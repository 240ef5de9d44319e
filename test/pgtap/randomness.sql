-- Randomness from pg_strong_random() is uniform.  Chi-square tests at
-- p > 0.001 (critical values printed with the statistics); the source cannot
-- be seeded, so each run prints what it saw.
--   - instant wins: over 300 pools of 1 prize and 9 losing units, each
--     played by 10 customers in turn, the winning turn is uniform (30 each);
--   - random_permutation(4): all 24 orders equally likely (12,000 draws);
--   - random_code: all 31 characters equally likely (31,000 characters).
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off

BEGIN;
SELECT plan(5);

CREATE TEMP TABLE winning_turn (pool int, turn int);
DO $$
DECLARE
	iw bigint;
	r record;
BEGIN
	FOR pool IN 1 .. 300 LOOP
		iw := promo_draw.create_instant_win('fairness ' || pool, '2000-01-01', '2100-01-01');
		PERFORM promo_draw.add_instant_prizes(iw, 'Prize', 1);
		PERFORM promo_draw.add_instant_prizes(iw, NULL, 9);
		FOR turn IN 1 .. 10 LOOP
			SELECT * INTO r FROM promo_draw.instant_win(iw, turn);
			IF r.outcome = 'won' THEN
				INSERT INTO winning_turn VALUES (pool, turn);
			END IF;
		END LOOP;
	END LOOP;
END
$$;
SELECT is((SELECT count(*) FROM winning_turn), 300::bigint, 'every pool gave its prize exactly once');

CREATE FUNCTION pg_temp.chi_square(observed bigint[], expected numeric) RETURNS numeric
LANGUAGE sql AS $$ SELECT sum((o - expected) ^ 2 / expected) FROM unnest(observed) o $$;

SELECT array_agg(coalesce(w.n, 0) ORDER BY t) AS turns
FROM generate_series(1, 10) t
LEFT JOIN (SELECT turn, count(*) AS n FROM winning_turn GROUP BY turn) w ON w.turn = t \gset
SELECT diag(format('winning turns 1..10: %s (expected 30 each); chi-square %s, df 9, critical 27.88',
                   :'turns', round(pg_temp.chi_square(:'turns', 30), 2)));
SELECT cmp_ok(pg_temp.chi_square(:'turns', 30), '<', 27.88,
              'the winning turn is uniform: Fisher-Yates over unbiased draws');

CREATE TEMP TABLE orders AS
SELECT string_agg(slot::text, '' ORDER BY item) AS ord
FROM generate_series(1, 12000) d, LATERAL promo_draw.random_permutation(4 + 0 * d) p
GROUP BY d;
SELECT array_agg(coalesce(o.n, 0) ORDER BY a.ord) AS counts
FROM (SELECT DISTINCT string_agg(slot::text, '' ORDER BY item) AS ord
      FROM generate_series(1, 2000) d, LATERAL promo_draw.random_permutation(4 + 0 * d) p GROUP BY d) a
LEFT JOIN (SELECT ord, count(*) AS n FROM orders GROUP BY ord) o USING (ord) \gset
SELECT is((SELECT count(DISTINCT ord) FROM orders), 24::bigint, 'all 24 orders of 4 items occur');
SELECT diag(format('orders of 4 items: %s (expected 500 each); chi-square %s, df 23, critical 49.73',
                   :'counts', round(pg_temp.chi_square(:'counts', 500), 2)));
SELECT cmp_ok(pg_temp.chi_square(:'counts', 500), '<', 49.73, 'random_permutation is uniform');

SELECT array_agg(n ORDER BY ch) AS chars
FROM (SELECT ch, count(*) AS n
      FROM generate_series(1, 1000) i, LATERAL regexp_split_to_table(promo_draw.random_code(31 + 0 * i), '') ch
      GROUP BY ch) c \gset
SELECT diag(format('random_code characters: %s (expected 1000 each); chi-square %s, df 30, critical 59.70',
                   :'chars', round(pg_temp.chi_square(:'chars', 1000), 2)));
SELECT cmp_ok(pg_temp.chi_square(:'chars', 1000), '<', 59.70,
              'random_code draws every character of its alphabet equally often');

SELECT * FROM finish();
ROLLBACK;
