CREATE FUNCTION promo_draw.bonus_win(bonus_id bigint, amount numeric, bet_id text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	b promo_draw.bonus;
	v_status text;
BEGIN
	IF bonus_win.bonus_id IS NULL OR amount IS NULL THEN
		RAISE EXCEPTION 'bonus_id and amount must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF NOT (amount >= 0 AND amount < 'Infinity') THEN
		RAISE EXCEPTION 'a win must be zero or positive and finite'
			USING ERRCODE = 'invalid_parameter_value', DETAIL = format('The amount given was %s.', amount);
	END IF;

	SELECT * INTO b FROM promo_draw.bonus WHERE bonus.bonus_id = bonus_win.bonus_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'bonus % does not exist', bonus_win.bonus_id USING ERRCODE = 'PD030';
	END IF;
	IF bet_id IS NULL THEN
		IF promo_draw.bonus_status_now(b) <> 'active' THEN
			PERFORM promo_draw.bonus_not_active(b);
		END IF;
	ELSE
		-- the win of a bet: once, and for a bet this bonus took, whatever
		-- the bonus's status now (the bet may have cleared it)
		IF EXISTS (SELECT FROM promo_draw.bonus_event e
		           WHERE e.bonus_id = b.bonus_id AND e.kind = 'win' AND e.bet_id = bonus_win.bet_id) THEN
			RETURN;
		END IF;
		IF NOT EXISTS (SELECT FROM promo_draw.bonus_event e
		               WHERE e.bonus_id = b.bonus_id AND e.kind = 'bet' AND e.bet_id = bonus_win.bet_id) THEN
			RAISE EXCEPTION 'bonus % has no bet %', b.bonus_id, quote_literal(bet_id)
				USING ERRCODE = 'PD034',
				      HINT = 'A win with a bet_id must follow the bet with the same bet_id on the same bonus.';
		END IF;
		b.open_bets := b.open_bets - 1;
	END IF;

	b.balance := b.balance + amount;
	v_status := promo_draw.settle_bonus(b);
	INSERT INTO promo_draw.bonus_event (bonus_id, kind, bet_id, amount, balance_after,
	                                    wagered_after, status_after)
	VALUES (b.bonus_id, 'win', bet_id, amount, b.balance, b.wagered, v_status);
END
$$;
COMMENT ON FUNCTION promo_draw.bonus_win(bigint, numeric, text) IS
	'a win credited to a bonus (0 settles a losing bet); the win of a bet this bonus took counts even after the bet cleared it';
