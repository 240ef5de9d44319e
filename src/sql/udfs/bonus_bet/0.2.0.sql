CREATE FUNCTION promo_draw.bonus_bet(bonus_id bigint, stake numeric, contribution numeric DEFAULT 1,
	bet_id text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	b promo_draw.bonus;
	v_status text;
BEGIN
	IF bonus_bet.bonus_id IS NULL OR stake IS NULL OR contribution IS NULL THEN
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

	SELECT * INTO b FROM promo_draw.bonus WHERE bonus.bonus_id = bonus_bet.bonus_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'bonus % does not exist', bonus_bet.bonus_id USING ERRCODE = 'PD030';
	END IF;
	-- at-least-once delivery: a bet seen before changes nothing
	IF bet_id IS NOT NULL AND EXISTS (
		SELECT FROM promo_draw.bonus_event e
		WHERE e.bonus_id = b.bonus_id AND e.kind = 'bet' AND e.bet_id = bonus_bet.bet_id) THEN
		RETURN;
	END IF;
	IF promo_draw.bonus_status_now(b) <> 'active' THEN
		PERFORM promo_draw.bonus_not_active(b);
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
	v_status := promo_draw.settle_bonus(b);
	INSERT INTO promo_draw.bonus_event (bonus_id, kind, bet_id, stake, contribution,
	                                    balance_after, wagered_after, status_after)
	VALUES (b.bonus_id, 'bet', bet_id, stake, contribution, b.balance, b.wagered, v_status);
END
$$;
COMMENT ON FUNCTION promo_draw.bonus_bet(bigint, numeric, numeric, text) IS
	'a bet on an active bonus: balance -= stake, wagered += stake x contribution; a bet_id seen before changes nothing';
