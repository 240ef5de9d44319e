-- Fairness: in 2,000 draws of one prize, customers holding 1, 2, 3 and 4
-- tickets win in proportion 1:2:3:4 (expected 200, 400, 600 and 800 wins).
-- A chi-square test with 3 degrees of freedom passes when the statistic is
-- below 16.27, the 0.001 critical value.  Each draw's seed is derived from
-- the printed test seed; rerun one with PGOPTIONS='-c pdtest.seed=N'.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off

SELECT plan(3);
\ir include/seed.sql

CREATE TEMP TABLE fair_win (draw_no int, tickets int);

-- commits every 100 draws: each draw holds two locks until its transaction ends
CREATE PROCEDURE pg_temp.fair_draws(test_seed text, draws int)
LANGUAGE plpgsql AS $$
DECLARE
	d bigint;
BEGIN
	FOR i IN 1 .. draws LOOP
		d := promo_draw.create_draw('fairness ' || i, '2100-01-01', opens_at => '2000-01-01',
		                            partitions => 1, milestones => '{}');
		UPDATE promo_draw.draw_secret
		SET seed = sha256(convert_to(test_seed || ':' || i, 'UTF8'))
		WHERE draw_id = d;
		UPDATE promo_draw.draw
		SET seed_hash = sha256(sha256(convert_to(test_seed || ':' || i, 'UTF8')))
		WHERE draw_id = d;
		PERFORM promo_draw.add_prize(d, 'Prize', 1);
		FOR c IN 1 .. 4 LOOP
			PERFORM promo_draw.award_tickets(d, c, c);
		END LOOP;
		PERFORM promo_draw.close_partition(d, 0);
		INSERT INTO fair_win SELECT i, r.customer_id::int
		FROM promo_draw.run_draw(d) r WHERE r.outcome = 'won';
		IF i % 100 = 0 THEN
			COMMIT;
		END IF;
	END LOOP;
END
$$;
CALL pg_temp.fair_draws(:'seed', 2000);

SELECT is((SELECT count(*) FROM fair_win), 2000::bigint, 'every draw gave its prize to exactly one customer');

SELECT diag(format('wins by tickets held: 1: %s, 2: %s, 3: %s, 4: %s (expected 200, 400, 600, 800); chi-square %s',
                   count(*) FILTER (WHERE tickets = 1), count(*) FILTER (WHERE tickets = 2),
                   count(*) FILTER (WHERE tickets = 3), count(*) FILTER (WHERE tickets = 4),
                   round(sum_chi, 2)))
FROM fair_win,
     (SELECT sum((o - e) ^ 2 / e)::numeric AS sum_chi
      FROM (SELECT k * 200.0 AS e, (SELECT count(*) FROM fair_win WHERE tickets = k) AS o
            FROM generate_series(1, 4) k) x) c
GROUP BY sum_chi;

SELECT cmp_ok((SELECT sum((o - e) ^ 2 / e)
               FROM (SELECT k * 200.0 AS e, (SELECT count(*) FROM fair_win WHERE tickets = k) AS o
                     FROM generate_series(1, 4) k) x)::numeric,
              '<', 16.27, 'wins are proportional to tickets held (chi-square, p > 0.001)');

-- and the draws verify
SELECT is((SELECT count(*) FROM promo_draw.draw d, LATERAL promo_draw.verify_draw(d.draw_id) v
           WHERE d.name LIKE 'fairness %' AND d.draw_id % 200 = 0 AND NOT v.ok),
          0::bigint, 'a sample of the draws verifies');

-- leave the database as we found it
\set draws 'fairness %'
\ir include/delete_draws.sql
SELECT * FROM finish();
