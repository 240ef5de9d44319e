-- Properties of playthrough bonuses over random streams of bets and wins:
-- 60 bonuses, each with bets of random stakes and contributions, wins for
-- some bets (0 for a lost bet), wins without a bet id, re-deliveries, and
-- bets that the bonus must refuse.  The seed is printed; rerun one with
-- PGOPTIONS='-c pdtest.seed=N'.  Then the simulation: with volatility its
-- mean is the arithmetic's, within the sampling error.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off

BEGIN;
SELECT plan(10);

\ir include/seed.sql

CREATE TEMP TABLE grant_ AS
SELECT g AS k, promo_draw.grant_bonus(1000 + g, round((5 + random() * 45)::numeric, 2),
                                      (ARRAY[1, 3, 10, 30])[1 + floor(random() * 4)::int],
                                      min_stake => (ARRAY[0, 0.10, 0.50])[1 + floor(random() * 3)::int]) AS bonus_id
FROM generate_series(1, 60) g;

-- the stream: per bonus, 40 bets (most with an id), each followed by its
-- win or a settling 0; some wins without an id; 15% of everything sent again
CREATE TEMP TABLE fresh AS
SELECT row_number() OVER (ORDER BY g.bonus_id, b.i, e.kind) AS n, g.bonus_id, e.kind,
       CASE WHEN b.with_id THEN 'bet-' || b.i END AS bet_id, b.stake, b.contribution,
       CASE WHEN e.kind = 'win' THEN b.win END AS amount
FROM grant_ g
CROSS JOIN LATERAL (
	SELECT i, random() < 0.85 AS with_id,
	       round((0.05 + random() * 4)::numeric, 2) AS stake,
	       (ARRAY[1, 1, 0.5, 0.1])[1 + floor(random() * 4)::int] AS contribution,
	       CASE WHEN random() < 0.45 THEN round((random() * 8)::numeric, 2) ELSE 0 END AS win
	FROM generate_series(1, 40) i
) b
CROSS JOIN LATERAL (VALUES ('bet'), ('win')) e(kind);
CREATE TEMP TABLE delivery AS
SELECT row_number() OVER (ORDER BY k) AS n, bonus_id, kind, bet_id, stake, contribution, amount
FROM (
	SELECT n::numeric AS k, * FROM fresh
	UNION ALL
	SELECT n + 1 + floor(random() * 10) + 0.5, * FROM fresh WHERE random() < 0.15
) d;

-- apply every delivery; refusals (not active, balance, no such bet) are
-- part of a stream and are counted, not raised
CREATE TEMP TABLE outcome (n bigint, sqlstate text);
CREATE FUNCTION pg_temp.apply(d delivery) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	IF d.kind = 'bet' THEN
		PERFORM promo_draw.bonus_bet(d.bonus_id, d.stake, d.contribution, d.bet_id);
	ELSE
		PERFORM promo_draw.bonus_win(d.bonus_id, d.amount, d.bet_id);
	END IF;
	RETURN '00000';
EXCEPTION WHEN SQLSTATE 'PD031' OR SQLSTATE 'PD032' OR SQLSTATE 'PD033' OR SQLSTATE 'PD034' THEN
	RETURN SQLSTATE;
END
$$;
INSERT INTO outcome SELECT n, pg_temp.apply(d) FROM delivery d ORDER BY n;
SELECT diag(format('%s deliveries: %s applied or repeats, %s refused; bonuses: %s', count(*),
                   count(*) FILTER (WHERE sqlstate = '00000'), count(*) FILTER (WHERE sqlstate <> '00000'),
                   (SELECT string_agg(status || ' ' || n, ', ' ORDER BY status)
                    FROM (SELECT status, count(*) AS n FROM promo_draw.bonus GROUP BY status) s)))
FROM outcome;

-- 1. the ledger: balance = amount - stakes taken + wins credited, and the
-- wagering is the stakes taken x their contributions
SELECT is((SELECT count(*) FROM promo_draw.bonus b
           WHERE b.balance <> b.amount
                 - coalesce((SELECT sum(e.stake) FROM promo_draw.bonus_event e
                             WHERE e.bonus_id = b.bonus_id AND e.kind = 'bet'), 0)
                 + coalesce((SELECT sum(e.amount) FROM promo_draw.bonus_event e
                             WHERE e.bonus_id = b.bonus_id AND e.kind = 'win'), 0)
              OR b.wagered <> coalesce((SELECT sum(e.stake * e.contribution) FROM promo_draw.bonus_event e
                                        WHERE e.bonus_id = b.bonus_id AND e.kind = 'bet'), 0)),
          0::bigint, 'every balance and wagering is the sum of the events applied');

-- 2. wagered never exceeds the qualifying stakes x contributions sent: a
-- bet with an id counts once however often it was delivered; one without
-- is a new bet at each delivery
SELECT is((SELECT count(*) FROM promo_draw.bonus b JOIN grant_ g ON g.bonus_id = b.bonus_id
           WHERE b.wagered > (SELECT coalesce(sum(q.stake * q.contribution), 0)
                              FROM (SELECT DISTINCT ON (coalesce(d.bet_id, d.n::text)) d.stake, d.contribution
                                    FROM delivery d
                                    WHERE d.bonus_id = b.bonus_id AND d.kind = 'bet'
                                    ORDER BY coalesce(d.bet_id, d.n::text)) q)),
          0::bigint, 'wagered never exceeds the stakes x contributions of the bets sent');
SELECT is((SELECT count(*) FROM (SELECT bonus_id, kind, bet_id FROM promo_draw.bonus_event
                                 WHERE bet_id IS NOT NULL GROUP BY 1, 2, 3 HAVING count(*) > 1) x),
          0::bigint, 'no bet or win with an id was applied twice');

-- 3. a bonus clears at most once, and exactly when the wagering is done
SELECT is((SELECT count(*) FROM (SELECT payload->>'bonus_id' FROM promo_draw.notification
                                 WHERE kind = 'bonus_cleared' GROUP BY 1 HAVING count(*) > 1) x),
          0::bigint, 'no bonus cleared twice');
SELECT is((SELECT count(*) FROM promo_draw.bonus b
           WHERE (b.status = 'cleared') <> (b.wagered >= b.required)
              OR (b.status = 'cleared') <> EXISTS (SELECT FROM promo_draw.notification n
                                                   WHERE n.kind = 'bonus_cleared'
                                                     AND (n.payload->>'bonus_id')::bigint = b.bonus_id)),
          0::bigint, 'cleared exactly when wagered reaches required, with one message');

-- 4. the status moves one way: after the first event that ended a bonus,
-- no event leaves it active and no bet is taken
SELECT is((SELECT count(*) FROM promo_draw.bonus_event e
           WHERE EXISTS (SELECT FROM promo_draw.bonus_event p
                         WHERE p.bonus_id = e.bonus_id AND p.event_id < e.event_id
                           AND p.status_after <> 'active')
             AND (e.status_after = 'active' OR e.kind = 'bet')),
          0::bigint, 'no bonus is active again or takes a bet once it has ended');
SELECT is((SELECT count(*) FROM promo_draw.bonus b
           WHERE b.status = 'lost' AND (b.open_bets > 0 OR b.balance >= greatest(b.min_stake, 0.000001))),
          0::bigint, 'a lost bonus has no bet awaiting its win and too little to bet');

-- 5. replaying every event that was applied changes nothing (bets and
-- wins are known by their ids)
CREATE TEMP TABLE before_replay AS SELECT * FROM promo_draw.bonus;
CREATE TEMP TABLE events_before AS SELECT count(*) AS n FROM promo_draw.bonus_event;
SELECT pg_temp.apply(d) FROM delivery d
WHERE EXISTS (SELECT FROM promo_draw.bonus_event e
              WHERE e.bonus_id = d.bonus_id AND e.kind = d.kind AND e.bet_id = d.bet_id)
ORDER BY n \g /dev/null
SELECT is((SELECT count(*) FROM (SELECT * FROM promo_draw.bonus EXCEPT SELECT * FROM before_replay) x),
          0::bigint, 'replaying every event with an id changes no bonus');
SELECT is((SELECT count(*) FROM promo_draw.bonus_event), (SELECT n FROM events_before),
          'and records no event');

-- 6. the simulation with volatility: a rich bonus that never runs dry
-- ends, on average, at amount + required x (payout_rate - 1); each trial's
-- final balance has a standard deviation of stake x volatility x sqrt(bets)
SELECT (:seed % 1000)::bigint AS sim_seed \gset
SELECT diag(format('simulate_playthrough(100000, 1, 0.96, 10, 4000, 2.5, %s): mean %s, expected 96000.00, '
                   || 'standard error %s', :sim_seed, mean_balance, round((10 * 2.5 * sqrt(10000) / sqrt(4000))::numeric, 2)))
FROM promo_draw.simulate_playthrough(100000, 1, 0.96, 10, 4000, 2.5, :sim_seed);
SELECT cmp_ok(abs(mean_balance - 96000) / (10 * 2.5 * sqrt(10000) / sqrt(4000))::numeric, '<', 4.5::numeric,
              'the simulated mean is the expected balance, within 4.5 standard errors (p > 0.00001)')
FROM promo_draw.simulate_playthrough(100000, 1, 0.96, 10, 4000, 2.5, :sim_seed);

SELECT * FROM finish();
ROLLBACK;
