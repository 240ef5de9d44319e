CREATE FUNCTION promo_draw.redeem(code text, customer_id bigint)
RETURNS promo_draw.redemption
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_code text;
	v promo_draw.promo_code%ROWTYPE;
	v_shard integer;
	v_redeemed timestamptz;
	r promo_draw.redemption%ROWTYPE;
BEGIN
	IF redeem.code IS NULL OR redeem.customer_id IS NULL THEN
		RAISE EXCEPTION 'code and customer_id must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	v_code := promo_draw.normalize_code(redeem.code);
	SELECT * INTO v FROM promo_draw.promo_code c WHERE c.code = v_code;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'promotion code % does not exist', v_code USING ERRCODE = 'PD010';
	ELSIF now() < v.starts_at THEN
		RAISE EXCEPTION 'promotion code % is not active yet', v_code
			USING ERRCODE = 'PD011', DETAIL = format('It can be redeemed from %s.', v.starts_at);
	ELSIF now() >= v.ends_at THEN
		RAISE EXCEPTION 'promotion code % has expired', v_code
			USING ERRCODE = 'PD012', DETAIL = format('It could be redeemed until %s.', v.ends_at);
	END IF;

	SELECT rd.redeemed_at INTO v_redeemed FROM promo_draw.redemption rd
	WHERE rd.code = v_code AND rd.customer_id = redeem.customer_id AND rd.cancelled_at IS NULL;
	IF FOUND THEN
		RAISE EXCEPTION 'customer % has already redeemed promotion code %', redeem.customer_id, v_code
			USING ERRCODE = 'PD013', DETAIL = format('It was redeemed at %s.', v_redeemed);
	END IF;

	-- a place of the limit, from a shard no other redeemer holds
	IF v.max_redemptions IS NOT NULL THEN
		v_shard := promo_draw.claim_code_place(v_code, v.shards);
		IF v_shard IS NULL THEN
			-- a concurrent call for the same customer may have taken the last place
			SELECT rd.redeemed_at INTO v_redeemed FROM promo_draw.redemption rd
			WHERE rd.code = v_code AND rd.customer_id = redeem.customer_id AND rd.cancelled_at IS NULL;
			IF FOUND THEN
				RAISE EXCEPTION 'customer % has already redeemed promotion code %', redeem.customer_id, v_code
					USING ERRCODE = 'PD013', DETAIL = format('It was redeemed at %s.', v_redeemed);
			END IF;
			RAISE EXCEPTION 'promotion code % is exhausted', v_code
				USING ERRCODE = 'PD014',
				      DETAIL = format('All %s redemptions have been taken.', v.max_redemptions);
		END IF;
	END IF;

	INSERT INTO promo_draw.redemption (code, customer_id, shard)
	VALUES (v_code, redeem.customer_id, v_shard)
	ON CONFLICT ON CONSTRAINT redemption_pkey DO NOTHING
	RETURNING * INTO r;
	IF NOT FOUND THEN
		-- the pair exists: cancelled before (archive it and redeem again), or
		-- redeemed just now by a concurrent session
		WITH old AS (
			SELECT rd.* FROM promo_draw.redemption rd
			WHERE rd.code = v_code AND rd.customer_id = redeem.customer_id
			  AND rd.cancelled_at IS NOT NULL
			FOR UPDATE
		), archived AS (
			INSERT INTO promo_draw.redemption_history (code, customer_id, redeemed_at, cancelled_at)
			SELECT old.code, old.customer_id, old.redeemed_at, old.cancelled_at FROM old
		)
		UPDATE promo_draw.redemption rd
		SET redeemed_at = now(), cancelled_at = NULL, shard = v_shard
		FROM old
		WHERE rd.code = old.code AND rd.customer_id = old.customer_id
		RETURNING rd.* INTO r;
		IF NOT FOUND THEN
			RAISE EXCEPTION 'customer % has already redeemed promotion code %', redeem.customer_id, v_code
				USING ERRCODE = 'PD013', DETAIL = 'It was redeemed by a concurrent call.';
		END IF;
	END IF;
	RETURN r;
END
$$;
COMMENT ON FUNCTION promo_draw.redeem(text, bigint) IS
	'redeem a promotion code for a customer, once, inside its window and limit; returns the redemption';
