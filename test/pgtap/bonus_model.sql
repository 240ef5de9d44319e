-- Bonus wagering in C against a plain-SQL model of its rules: the
-- PL/pgSQL bonus_bet and bonus_win of 0.2.0, copied below as it was
-- released.  Random streams of bets and wins (with ids or without, wins of
-- 0, re-deliveries, stakes a bonus must refuse) are applied to pairs of
-- identical bonuses, one through promo_draw's functions and one through
-- the model; every outcome, every event and every final state must agree.
-- The seed is printed; rerun one with PGOPTIONS='-c pdtest.seed=N'.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off

BEGIN;
SELECT plan(5);
\ir include/seed.sql

-- the model: promo_draw 0.2.0's PL/pgSQL, working on the same tables
CREATE FUNCTION pg_temp.model_bonus_not_active(b promo_draw.bonus) RETURNS void
LANGUAGE plpgsql STABLE
AS $$
BEGIN
	RAISE EXCEPTION 'bonus % is not active', b.bonus_id
		USING ERRCODE = 'PD031',
		      DETAIL = format('It is %s since %s.', promo_draw.bonus_status_now(b),
		                      coalesce(b.ended_at, b.expires_at));
END
$$;
CREATE FUNCTION pg_temp.model_settle_bonus(b promo_draw.bonus) RETURNS text
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
	v_status text := promo_draw.bonus_status_now(b);
BEGIN
	IF v_status = 'active' AND b.wagered >= b.required THEN
		v_status := 'cleared';
		INSERT INTO promo_draw.notification (customer_id, kind, payload)
		VALUES (b.customer_id, 'bonus_cleared',
		        jsonb_build_object('bonus_id', b.bonus_id, 'balance', b.balance));
	ELSIF v_status = 'active' AND b.open_bets = 0
	      AND (b.balance = 0 OR b.balance < b.min_stake) THEN
		v_status := 'lost';
	END IF;
	UPDATE promo_draw.bonus
	SET balance = b.balance, wagered = b.wagered, open_bets = b.open_bets,
	    status = CASE WHEN v_status IN ('cleared', 'lost') THEN v_status ELSE bonus.status END,
	    ended_at = CASE WHEN v_status IN ('cleared', 'lost') AND bonus.status = 'active'
	                    THEN now() ELSE bonus.ended_at END
	WHERE bonus.bonus_id = b.bonus_id;
	RETURN v_status;
END
$$;
CREATE FUNCTION pg_temp.model_bonus_bet(bonus_id bigint, stake numeric, contribution numeric DEFAULT 1,
	bet_id text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
	b promo_draw.bonus;
	v_status text;
BEGIN
	IF model_bonus_bet.bonus_id IS NULL OR stake IS NULL OR contribution IS NULL THEN
		RAISE EXCEPTION 'bonus_id, stake and contribution must not be null'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF NOT (stake > 0 AND stake < 'Infinity') THEN
		RAISE EXCEPTION 'a stake must be positive and finite'
			USING ERRCODE = 'invalid_parameter_value', DETAIL = format('The stake given was %s.', stake);
	END IF;
	IF NOT (contribution > 0 AND contribution <= 1) THEN
		RAISE EXCEPTION 'contribution must be above 0 and at most 1'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = format('The contribution given was %s.', contribution),
			      HINT = 'It is the share of the stake that counts towards the wagering: 1 for slots, 0.1 for table games, say.';
	END IF;
	IF length(bet_id) NOT BETWEEN 1 AND 200 THEN
		RAISE EXCEPTION 'a bet_id must be 1 to 200 characters long' USING ERRCODE = 'invalid_parameter_value';
	END IF;

	SELECT * INTO b FROM promo_draw.bonus WHERE bonus.bonus_id = model_bonus_bet.bonus_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'bonus % does not exist', model_bonus_bet.bonus_id USING ERRCODE = 'PD030';
	END IF;
	-- at-least-once delivery: a bet seen before changes nothing
	IF bet_id IS NOT NULL AND EXISTS (
		SELECT FROM promo_draw.bonus_event e
		WHERE e.bonus_id = b.bonus_id AND e.kind = 'bet' AND e.bet_id = model_bonus_bet.bet_id) THEN
		RETURN;
	END IF;
	IF promo_draw.bonus_status_now(b) <> 'active' THEN
		PERFORM pg_temp.model_bonus_not_active(b);
	END IF;
	IF stake < b.min_stake THEN
		RAISE EXCEPTION 'the stake is below the smallest stake bonus % accepts', b.bonus_id
			USING ERRCODE = 'PD033',
			      DETAIL = format('The stake is %s; the smallest accepted is %s.', stake, b.min_stake);
	END IF;
	IF stake > b.balance THEN
		RAISE EXCEPTION 'the stake is more than the balance of bonus %', b.bonus_id
			USING ERRCODE = 'PD032',
			      DETAIL = format('The stake is %s; the balance is %s.', stake, b.balance);
	END IF;

	b.balance := b.balance - stake;
	b.wagered := b.wagered + stake * contribution;
	IF bet_id IS NOT NULL THEN
		b.open_bets := b.open_bets + 1;
	END IF;
	v_status := pg_temp.model_settle_bonus(b);
	INSERT INTO promo_draw.bonus_event (bonus_id, kind, bet_id, stake, contribution,
	                                    balance_after, wagered_after, status_after)
	VALUES (b.bonus_id, 'bet', bet_id, stake, contribution, b.balance, b.wagered, v_status);
END
$$;
CREATE FUNCTION pg_temp.model_bonus_win(bonus_id bigint, amount numeric, bet_id text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
	b promo_draw.bonus;
	v_status text;
BEGIN
	IF model_bonus_win.bonus_id IS NULL OR amount IS NULL THEN
		RAISE EXCEPTION 'bonus_id and amount must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF NOT (amount >= 0 AND amount < 'Infinity') THEN
		RAISE EXCEPTION 'a win must be zero or positive and finite'
			USING ERRCODE = 'invalid_parameter_value', DETAIL = format('The amount given was %s.', amount);
	END IF;

	SELECT * INTO b FROM promo_draw.bonus WHERE bonus.bonus_id = model_bonus_win.bonus_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'bonus % does not exist', model_bonus_win.bonus_id USING ERRCODE = 'PD030';
	END IF;
	IF bet_id IS NULL THEN
		IF promo_draw.bonus_status_now(b) <> 'active' THEN
			PERFORM pg_temp.model_bonus_not_active(b);
		END IF;
	ELSE
		-- the win of a bet: once, and for a bet this bonus took, whatever
		-- the bonus's status now (the bet may have cleared it)
		IF EXISTS (SELECT FROM promo_draw.bonus_event e
		           WHERE e.bonus_id = b.bonus_id AND e.kind = 'win' AND e.bet_id = model_bonus_win.bet_id) THEN
			RETURN;
		END IF;
		IF NOT EXISTS (SELECT FROM promo_draw.bonus_event e
		               WHERE e.bonus_id = b.bonus_id AND e.kind = 'bet' AND e.bet_id = model_bonus_win.bet_id) THEN
			RAISE EXCEPTION 'bonus % has no bet %', b.bonus_id, quote_literal(bet_id)
				USING ERRCODE = 'PD034',
				      HINT = 'A win with a bet_id must follow the bet with the same bet_id on the same bonus.';
		END IF;
		b.open_bets := b.open_bets - 1;
	END IF;

	b.balance := b.balance + amount;
	v_status := pg_temp.model_settle_bonus(b);
	INSERT INTO promo_draw.bonus_event (bonus_id, kind, bet_id, amount, balance_after,
	                                    wagered_after, status_after)
	VALUES (b.bonus_id, 'win', bet_id, amount, b.balance, b.wagered, v_status);
END
$$;

-- 40 pairs of bonuses with the same terms
CREATE TEMP TABLE pair AS
SELECT g, promo_draw.grant_bonus(2000 + g, a.amount, a.playthrough, min_stake => a.min_stake) AS c_bonus,
       promo_draw.grant_bonus(2000 + g, a.amount, a.playthrough, min_stake => a.min_stake) AS model_bonus
FROM generate_series(1, 40) g
CROSS JOIN LATERAL (
	SELECT round((5 + random() * 45)::numeric, 2) AS amount,
	       (ARRAY[1, 3, 10, 30])[1 + floor(random() * 4)::int]::numeric AS playthrough,
	       (ARRAY[0, 0.10, 0.50])[1 + floor(random() * 3)::int]::numeric AS min_stake
	WHERE g > 0
) a;

-- per pair, 25 bets (most with an id), each followed by its win or a
-- settling 0, some wins without an id, 15% of everything sent again
CREATE TEMP TABLE fresh AS
SELECT row_number() OVER (ORDER BY p.g, b.i, e.kind) AS n, p.g, e.kind,
       CASE WHEN b.with_id THEN 'bet-' || b.i END AS bet_id, b.stake, b.contribution,
       CASE WHEN e.kind = 'win' THEN b.win END AS amount
FROM pair p
CROSS JOIN LATERAL (
	SELECT i, random() < 0.85 AS with_id,
	       round((0.05 + random() * 4)::numeric, 2) AS stake,
	       (ARRAY[1, 1, 0.5, 0.1])[1 + floor(random() * 4)::int]::numeric AS contribution,
	       CASE WHEN random() < 0.45 THEN round((random() * 8)::numeric, 2) ELSE 0 END AS win
	FROM generate_series(1, 25) i
	WHERE p.g > 0
) b
CROSS JOIN LATERAL (VALUES ('bet'), ('win')) e(kind);
CREATE TEMP TABLE delivery AS
SELECT row_number() OVER (ORDER BY k) AS n, g, kind, bet_id, stake, contribution, amount
FROM (
	SELECT n::numeric AS k, * FROM fresh
	UNION ALL
	SELECT n + 1 + floor(random() * 10) + 0.5, * FROM fresh WHERE random() < 0.15
) d;

-- apply each delivery to both bonuses of its pair; refusals are outcomes
CREATE TEMP TABLE outcome (n bigint, c_state text, model_state text);
CREATE FUNCTION pg_temp.apply(d delivery, bonus bigint, model boolean) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
	IF d.kind = 'bet' AND model THEN
		PERFORM pg_temp.model_bonus_bet(bonus, d.stake, d.contribution, d.bet_id);
	ELSIF d.kind = 'bet' THEN
		PERFORM promo_draw.bonus_bet(bonus, d.stake, d.contribution, d.bet_id);
	ELSIF model THEN
		PERFORM pg_temp.model_bonus_win(bonus, d.amount, d.bet_id);
	ELSE
		PERFORM promo_draw.bonus_win(bonus, d.amount, d.bet_id);
	END IF;
	RETURN '00000';
EXCEPTION WHEN SQLSTATE 'PD031' OR SQLSTATE 'PD032' OR SQLSTATE 'PD033' OR SQLSTATE 'PD034' THEN
	RETURN SQLSTATE;
END
$$;
INSERT INTO outcome
SELECT d.n, pg_temp.apply(d, p.c_bonus, false), pg_temp.apply(d, p.model_bonus, true)
FROM delivery d JOIN pair p USING (g) ORDER BY d.n;
SELECT diag(format('%s deliveries to each of 40 pairs: %s applied or repeats, %s refused; C bonuses: %s', count(*),
                   count(*) FILTER (WHERE c_state = '00000'), count(*) FILTER (WHERE c_state <> '00000'),
                   (SELECT string_agg(status || ' ' || n, ', ' ORDER BY status)
                    FROM (SELECT b.status, count(*) AS n FROM promo_draw.bonus b
                          JOIN pair p ON p.c_bonus = b.bonus_id GROUP BY b.status) s)))
FROM outcome;

SELECT is((SELECT count(*) FROM outcome WHERE c_state IS DISTINCT FROM model_state), 0::bigint,
	'every delivery has the model''s outcome: applied, repeat, or the same refusal');
SELECT is((SELECT count(*) FROM pair p
           JOIN promo_draw.bonus c ON c.bonus_id = p.c_bonus
           JOIN promo_draw.bonus m ON m.bonus_id = p.model_bonus
           WHERE (c.balance, c.wagered, c.open_bets, c.status, c.ended_at IS NULL)
                 IS DISTINCT FROM (m.balance, m.wagered, m.open_bets, m.status, m.ended_at IS NULL)),
          0::bigint, 'every bonus ends in the model''s state: balance, wagering, open bets, status');
SELECT is((SELECT count(*) FROM (
	(SELECT p.g, row_number() OVER (PARTITION BY p.g ORDER BY e.event_id), e.kind, e.bet_id, e.stake,
	        e.contribution, e.amount, e.balance_after, e.wagered_after, e.status_after
	 FROM pair p JOIN promo_draw.bonus_event e ON e.bonus_id = p.c_bonus
	 EXCEPT ALL
	 SELECT p.g, row_number() OVER (PARTITION BY p.g ORDER BY e.event_id), e.kind, e.bet_id, e.stake,
	        e.contribution, e.amount, e.balance_after, e.wagered_after, e.status_after
	 FROM pair p JOIN promo_draw.bonus_event e ON e.bonus_id = p.model_bonus)
	UNION ALL
	(SELECT p.g, row_number() OVER (PARTITION BY p.g ORDER BY e.event_id), e.kind, e.bet_id, e.stake,
	        e.contribution, e.amount, e.balance_after, e.wagered_after, e.status_after
	 FROM pair p JOIN promo_draw.bonus_event e ON e.bonus_id = p.model_bonus
	 EXCEPT ALL
	 SELECT p.g, row_number() OVER (PARTITION BY p.g ORDER BY e.event_id), e.kind, e.bet_id, e.stake,
	        e.contribution, e.amount, e.balance_after, e.wagered_after, e.status_after
	 FROM pair p JOIN promo_draw.bonus_event e ON e.bonus_id = p.c_bonus)) x),
	0::bigint, 'every bonus has the model''s events, in the same order, with the same state after each');
SELECT is((SELECT count(*) FROM promo_draw.notification n JOIN pair p ON (n.payload->>'bonus_id')::bigint = p.c_bonus
           WHERE n.kind = 'bonus_cleared'),
          (SELECT count(*) FROM promo_draw.notification n JOIN pair p ON (n.payload->>'bonus_id')::bigint = p.model_bonus
           WHERE n.kind = 'bonus_cleared'),
	'as many bonus_cleared messages as the model writes');
SELECT cmp_ok((SELECT count(DISTINCT c_state) FROM outcome), '>=', 3::bigint,
	'the streams meet applications and refusals of more than one kind');

SELECT * FROM finish();
ROLLBACK;
