CREATE FUNCTION promo_draw.instant_win(instant_win_id bigint, customer_id bigint)
RETURNS TABLE (prize text, outcome text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
	v_id bigint := instant_win.instant_win_id;
	v_customer bigint := instant_win.customer_id;
	v promo_draw.instant_win%ROWTYPE;
	v_played promo_draw.instant_play%ROWTYPE;
	v_unit bigint;
	v_prize text;
	v_outcome text;
	v_open bigint;
	v_tid tid;
BEGIN
	IF v_id IS NULL OR v_customer IS NULL THEN
		RAISE EXCEPTION 'instant_win_id and customer_id must not be null'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT * INTO v FROM promo_draw.instant_win w WHERE w.instant_win_id = v_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'instant win % does not exist', v_id USING ERRCODE = 'PD020';
	ELSIF now() < v.starts_at THEN
		RAISE EXCEPTION 'instant win % has not started', v_id
			USING ERRCODE = 'PD021', DETAIL = format('It opens at %s.', v.starts_at);
	ELSIF now() >= v.ends_at THEN
		RAISE EXCEPTION 'instant win % has ended', v_id
			USING ERRCODE = 'PD022', DETAIL = format('It closed at %s.', v.ends_at);
	END IF;

	-- once per customer: the play's key decides, even between concurrent plays
	INSERT INTO promo_draw.instant_play (instant_win_id, customer_id, outcome)
	VALUES (v_id, v_customer, 'exhausted')
	ON CONFLICT DO NOTHING;
	IF NOT FOUND THEN
		SELECT * INTO v_played FROM promo_draw.instant_play p
		WHERE p.instant_win_id = v_id AND p.customer_id = v_customer;
		RAISE EXCEPTION 'customer % has already played instant win %', v_customer, v_id
			USING ERRCODE = 'PD023',
			      DETAIL = format('They played at %s: %s.', v_played.played_at, v_played.outcome);
	END IF;

	-- the pool is shuffled once, before the first unit is handed out
	IF v.shuffled_at IS NULL THEN
		PERFORM promo_draw.shuffle_instant_win(v_id);
	END IF;

	-- the next unit no other player holds: players pass over units claimed
	-- by plays in flight, and wait only when every unit left is held
	LOOP
		SELECT count(*), promo_draw.claim_row('promo_draw.instant_prize',
		           array_agg(c.ctid ORDER BY c.position))
		INTO v_open, v_tid
		FROM (SELECT p.ctid, p.position FROM promo_draw.instant_prize p
		      WHERE p.instant_win_id = v_id AND p.customer_id IS NULL
		      ORDER BY p.position LIMIT 32) c;
		IF v_open = 0 THEN
			RETURN QUERY SELECT NULL::text, 'exhausted'::text;
			RETURN;
		END IF;
		-- NULL: every unit read was claimed meanwhile; read them again
		IF v_tid IS NOT NULL THEN
			UPDATE promo_draw.instant_prize p SET customer_id = v_customer, claimed_at = now()
			WHERE p.ctid = v_tid AND p.instant_win_id = v_id AND p.customer_id IS NULL
			RETURNING p.unit, p.prize INTO v_unit, v_prize;
			EXIT WHEN FOUND;
		END IF;
	END LOOP;

	v_outcome := CASE WHEN v_prize IS NULL THEN 'lost' ELSE 'won' END;
	UPDATE promo_draw.instant_play p SET unit = v_unit, prize = v_prize, outcome = v_outcome
	WHERE p.instant_win_id = v_id AND p.customer_id = v_customer;
	IF v_outcome = 'won' THEN
		INSERT INTO promo_draw.notification (customer_id, kind, payload)
		VALUES (v_customer, 'instant_win',
		        jsonb_build_object('instant_win_id', v_id, 'instant_win', v.name, 'prize', v_prize));
	END IF;
	RETURN QUERY SELECT v_prize, v_outcome;
END
$$;
COMMENT ON FUNCTION promo_draw.instant_win(bigint, bigint) IS
	'play an instant win once: claims the next unit of the shuffled pool; (prize, ''won''), (NULL, ''lost'') or (NULL, ''exhausted'')';
