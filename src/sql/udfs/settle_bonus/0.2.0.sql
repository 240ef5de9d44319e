-- Write a bonus after a bet or win and end it if it is cleared or lost;
-- returns the new status.
CREATE FUNCTION promo_draw.settle_bonus(b promo_draw.bonus) RETURNS text
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
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
COMMENT ON FUNCTION promo_draw.settle_bonus(promo_draw.bonus) IS
	'internal: write a bonus after a bet or win, clearing it (with a bonus_cleared message) or losing it';
