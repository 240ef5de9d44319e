-- Properties of customer messages over a random campaign: awards that
-- cross milestones, draws (some with an eligibility rule and a default
-- prize) run at random moments, and take_notifications calls of random
-- sizes in between.  Every message, from the outbox or from a draw's
-- results, is handed out exactly once, each call in id order, a draw's
-- messages in place order, with the payload the view shows.  The seed is
-- printed; rerun one with PGOPTIONS='-c pdtest.seed=N'.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off

BEGIN;
SELECT plan(8);

\ir include/seed.sql

-- start with nothing waiting (rolled back at the end)
UPDATE promo_draw.outbox SET delivered_at = now() WHERE delivered_at IS NULL;
UPDATE promo_draw.result SET delivered_at = now()
WHERE delivered_at IS NULL AND notification_id IS NOT NULL;
DELETE FROM promo_draw.outcome_delivery;
SELECT coalesce(max(notification_id), 0) AS first_id FROM promo_draw.notification \gset

CREATE FUNCTION public.pdtest_not_fifth(customer bigint) RETURNS boolean
	LANGUAGE sql IMMUTABLE AS $$ SELECT customer % 5 <> 0 $$;

-- six draws over 60 customers, half with the rule and a default prize
CREATE TEMP TABLE campaign AS
SELECT k,
       promo_draw.create_draw('messages ' || k, '2100-01-01', opens_at => '2000-01-01',
                              partitions => 1, milestones => '{1,3}',
                              max_wins_per_customer => 1 + k % 2,
                              default_prize => CASE WHEN k % 2 = 0 THEN 'Free spins' END,
                              eligibility => CASE WHEN k % 2 = 0
                                                  THEN 'public.pdtest_not_fifth(bigint)'::regprocedure END)
           AS draw_id,
       false AS drawn
FROM generate_series(1, 6) k;
SELECT count(promo_draw.add_prize(draw_id, 'Prize ' || k, 10 * k, 1 + floor(random() * 6)::int))
FROM campaign \g /dev/null

CREATE TEMP TABLE taken (call int, seq serial, notification_id bigint, customer_id bigint,
                         draw_id bigint, kind text, payload jsonb);

-- 400 steps: mostly awards, now and then a draw or a take of 1 to 7
DO $$
DECLARE
	v_call int := 0;
	v_roll float8;
	v_draw bigint;
BEGIN
	FOR step IN 1..400 LOOP
		v_roll := random();
		IF v_roll < 0.7 THEN
			SELECT c.draw_id INTO v_draw FROM campaign c WHERE NOT c.drawn
			ORDER BY random() LIMIT 1;
			IF v_draw IS NOT NULL THEN
				PERFORM promo_draw.award_tickets(v_draw, 1 + floor(random() * 60)::bigint,
				                                 1 + floor(random() * 3)::bigint);
			END IF;
		ELSIF v_roll < 0.73 THEN
			SELECT c.draw_id INTO v_draw FROM campaign c WHERE NOT c.drawn
			ORDER BY random() LIMIT 1;
			IF v_draw IS NOT NULL THEN
				PERFORM promo_draw.close_partition(v_draw, 0);
				PERFORM count(*) FROM promo_draw.run_draw(v_draw);
				UPDATE campaign c SET drawn = true WHERE c.draw_id = v_draw;
			END IF;
		ELSE
			v_call := v_call + 1;
			INSERT INTO taken (call, notification_id, customer_id, draw_id, kind, payload)
			SELECT v_call, n.notification_id, n.customer_id, n.draw_id, n.kind, n.payload
			FROM promo_draw.take_notifications(1 + floor(random() * 7)::int) n;
		END IF;
	END LOOP;
	-- the draws still open, then everything left
	FOR v_draw IN SELECT c.draw_id FROM campaign c WHERE NOT c.drawn LOOP
		PERFORM promo_draw.close_partition(v_draw, 0);
		PERFORM count(*) FROM promo_draw.run_draw(v_draw);
	END LOOP;
	UPDATE campaign SET drawn = true;
	LOOP
		v_call := v_call + 1;
		INSERT INTO taken (call, notification_id, customer_id, draw_id, kind, payload)
		SELECT v_call, n.notification_id, n.customer_id, n.draw_id, n.kind, n.payload
		FROM promo_draw.take_notifications(1 + floor(random() * 7)::int) n;
		EXIT WHEN NOT FOUND;
	END LOOP;
END
$$;

SELECT diag(format('%s messages in %s calls: %s milestones, %s won, %s default, %s lost',
                   count(*), max(call), count(*) FILTER (WHERE kind = 'milestone'),
                   count(*) FILTER (WHERE kind = 'won'), count(*) FILTER (WHERE kind = 'default'),
                   count(*) FILTER (WHERE kind = 'lost')))
FROM taken;

CREATE TEMP TABLE made AS
SELECT n.* FROM promo_draw.notification n WHERE n.notification_id > :first_id;

SELECT is((SELECT count(*) FROM taken), (SELECT count(DISTINCT notification_id) FROM taken),
	'no message is handed out twice');
SELECT is((SELECT count(*) FROM (SELECT notification_id FROM made
                                 EXCEPT SELECT notification_id FROM taken) x), 0::bigint,
	'every message made is handed out');
SELECT is((SELECT count(*) FROM (
	(SELECT notification_id, customer_id, draw_id, kind, payload FROM made
	 EXCEPT SELECT notification_id, customer_id, draw_id, kind, payload FROM taken)
	UNION ALL
	(SELECT notification_id, customer_id, draw_id, kind, payload FROM taken
	 EXCEPT SELECT notification_id, customer_id, draw_id, kind, payload FROM made)) x), 0::bigint,
	'what is handed out is what the view shows, payloads included');
SELECT ok((SELECT bool_and(t.notification_id > coalesce(t.before, 0)) FROM (
	SELECT notification_id, lag(notification_id) OVER (PARTITION BY call ORDER BY seq) AS before
	FROM taken) t),
	'each call hands out its messages in id order');
SELECT ok((SELECT coalesce(bool_and(t.place > coalesce(t.before, 0)), true) FROM (
	SELECT r.place, lag(r.place) OVER (PARTITION BY r.draw_id ORDER BY t.call, t.seq) AS before
	FROM taken t JOIN promo_draw.result r ON r.draw_id = t.draw_id AND r.notification_id = t.notification_id
	WHERE t.kind <> 'milestone') t),
	'a draw''s messages are handed out in place order');
SELECT is((SELECT count(*) FROM taken t JOIN campaign c USING (draw_id) WHERE t.kind <> 'milestone'),
          (SELECT count(*) FROM promo_draw.result r JOIN campaign c USING (draw_id)
           WHERE r.outcome <> 'ineligible'),
	'one outcome message per result but the ineligible ones');
SELECT is((SELECT count(*) FROM promo_draw.notification WHERE delivered_at IS NULL)
          + (SELECT count(*) FROM promo_draw.outcome_delivery), 0::bigint,
	'nothing is left waiting, and no draw keeps a watermark');
SELECT ok((SELECT bool_and(v.ok) FROM campaign c, promo_draw.verify_draw(c.draw_id) v),
	'every draw verifies');

SELECT * FROM finish();
ROLLBACK;
