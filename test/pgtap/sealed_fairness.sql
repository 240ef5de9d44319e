-- Fairness of sealed draws: 2,000 sealed draws among four customers holding
-- 1, 2, 3 and 4 tickets, each with a first and a second prize, half with
-- max_wins_per_customer 1 and half with 2.  A drum drawn without
-- replacement gives the first prize to customer a with probability n_a/10;
-- the second, with one win each, to b (b <> a) with n_b/(10 - n_a), and
-- with two wins each to b with (n_b - [a = b])/9.  Chi-square tests of the
-- first prize and of the (first, second) pairs pass below the 0.001
-- critical values (3, 11 and 14 degrees of freedom: 16.27, 31.26, 36.12).
-- Each draw's beacon is derived from the printed test seed; rerun one with
-- PGOPTIONS='-c pdtest.seed=N'.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off

SELECT plan(8);
\ir include/seed.sql

CREATE TEMP TABLE sealed_win (draw_no int, m int, first_c int, second_c int);

-- a sealed draw's beacon comes after the commit of its seal: commit each draw
CREATE PROCEDURE pg_temp.sealed_draws(test_seed text, draws int)
LANGUAGE plpgsql AS $$
DECLARE
	d bigint;
	m int;
BEGIN
	FOR i IN 1 .. draws LOOP
		m := 1 + i % 2;
		d := promo_draw.draw_among('sealed fairness ' || i, '{1,2,3,4}',
		                           '[{"name": "First", "value": 2}, {"name": "Second", "value": 1}]',
		                           beacon_source => 'the test seed', tickets => '{1,2,3,4}',
		                           max_wins_per_customer => m,
		                           beacon_due_at => clock_timestamp() + interval '1 hour');
		COMMIT;
		-- the hour passes: the draw's times move into the past, and the
		-- digest, which covers the due time, follows
		UPDATE promo_draw.draw
		SET opens_at = '2000-01-01', closes_at = '2000-01-02', draw_at = '2000-01-02',
		    sealed_at = '2000-01-02 12:00', seal_committed_at = '2000-01-02 12:00:01',
		    beacon_due_at = '2000-01-03'
		WHERE draw_id = d;
		UPDATE promo_draw.draw SET entry_digest = promo_draw.sealed_digest(d) WHERE draw_id = d;
		PERFORM promo_draw.set_beacon(d, sha256(convert_to(test_seed || ':' || i, 'UTF8')));
		INSERT INTO sealed_win
		SELECT i, m, max(r.customer_id) FILTER (WHERE r.prize = 'First'),
		       max(r.customer_id) FILTER (WHERE r.prize = 'Second')
		FROM promo_draw.run_draw(d) r;
		COMMIT;
	END LOOP;
END
$$;
CALL pg_temp.sealed_draws(:'seed', 2000);

SELECT is((SELECT count(*) FROM sealed_win WHERE first_c IS NOT NULL AND second_c IS NOT NULL),
          2000::bigint, 'every draw gave both prizes');
SELECT is((SELECT count(*) FROM sealed_win WHERE m = 1 AND first_c = second_c), 0::bigint,
          'with one win each, nobody wins twice');

-- expected counts of every cell, from the drum
CREATE TEMP VIEW drum AS
SELECT w.m, a, b,
       (SELECT count(*) FROM sealed_win s WHERE s.m = w.m AND s.first_c = a AND s.second_c = b) AS observed,
       1000.0 * a / 10 * CASE WHEN w.m = 1 THEN CASE WHEN a = b THEN 0 ELSE b / (10.0 - a) END
                              ELSE (b - CASE WHEN a = b THEN 1 ELSE 0 END) / 9.0 END AS expected
FROM (VALUES (1), (2)) w(m), generate_series(1, 4) a, generate_series(1, 4) b;

CREATE TEMP VIEW first_prize AS
SELECT m, a, sum(observed) AS observed, sum(expected) AS expected FROM drum GROUP BY m, a;

SELECT diag(format('max wins %s, first prize by tickets held 1..4: %s (expected %s)', m,
                   string_agg(observed::text, ', ' ORDER BY a), string_agg(round(expected)::text, ', ' ORDER BY a)))
FROM first_prize GROUP BY m ORDER BY m;
SELECT diag(format('max wins %s, chi-square: first prize %s, (first, second) pairs %s', m,
                   (SELECT round(sum((observed - expected) ^ 2 / expected), 2) FROM first_prize f WHERE f.m = d.m),
                   round(sum((observed - expected) ^ 2 / expected) FILTER (WHERE expected > 0), 2)))
FROM drum d GROUP BY m ORDER BY m;

SELECT cmp_ok((SELECT sum((observed - expected) ^ 2 / expected) FROM first_prize WHERE m = 1), '<', 16.27::numeric,
              'one win each: the first prize is proportional to tickets held (chi-square, p > 0.001)');
SELECT cmp_ok((SELECT sum((observed - expected) ^ 2 / expected) FROM first_prize WHERE m = 2), '<', 16.27::numeric,
              'two wins each: the first prize is proportional to tickets held (chi-square, p > 0.001)');
SELECT cmp_ok((SELECT sum((observed - expected) ^ 2 / expected) FROM drum WHERE m = 1 AND expected > 0),
              '<', 31.26::numeric,
              'one win each: (first, second) pairs follow the drum without replacement (chi-square, 11 df, p > 0.001)');
SELECT cmp_ok((SELECT sum((observed - expected) ^ 2 / expected) FROM drum WHERE m = 2 AND expected > 0),
              '<', 36.12::numeric,
              'two wins each: (first, second) pairs follow the drum without replacement (chi-square, 14 df, p > 0.001)');
SELECT is((SELECT sum(observed) FROM drum WHERE expected = 0 AND m = 2), 0::numeric,
          'two wins each: a customer with one ticket never wins twice');

-- for contrast, the fit of the pairs to a drum drawn with replacement
-- (n_a/10 * n_b/10), which these draws must not follow
SELECT diag(format('two wins each, chi-square of the pairs against drawing with replacement: %s (15 df)',
                   round(sum((observed - 1000.0 * a * b / 100) ^ 2 / (1000.0 * a * b / 100)), 2)))
FROM drum WHERE m = 2;

SELECT is((SELECT count(*) FROM promo_draw.draw d, LATERAL promo_draw.verify_draw(d.draw_id) v
           WHERE d.name LIKE 'sealed fairness %' AND d.draw_id % 100 = 0 AND NOT v.ok),
          0::bigint, 'a sample of the sealed draws verifies');

-- leave the database as we found it
\set draws 'sealed fairness %'
\ir include/delete_draws.sql
SELECT * FROM finish();
