CREATE FUNCTION promo_draw.cancel_redemption(code text, customer_id bigint) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_code text;
	v_shard integer;
BEGIN
	IF cancel_redemption.code IS NULL OR cancel_redemption.customer_id IS NULL THEN
		RAISE EXCEPTION 'code and customer_id must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	v_code := promo_draw.normalize_code(cancel_redemption.code);
	IF NOT EXISTS (SELECT FROM promo_draw.promo_code c WHERE c.code = v_code) THEN
		RAISE EXCEPTION 'promotion code % does not exist', v_code USING ERRCODE = 'PD010';
	END IF;
	UPDATE promo_draw.redemption rd SET cancelled_at = now()
	WHERE rd.code = v_code AND rd.customer_id = cancel_redemption.customer_id
	  AND rd.cancelled_at IS NULL
	RETURNING rd.shard INTO v_shard;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'customer % has no redemption of promotion code % to cancel',
			cancel_redemption.customer_id, v_code USING ERRCODE = 'PD015';
	END IF;
	IF v_shard IS NOT NULL THEN
		UPDATE promo_draw.code_shard s SET used = s.used - 1
		WHERE s.code = v_code AND s.shard = v_shard;
	END IF;
END
$$;
COMMENT ON FUNCTION promo_draw.cancel_redemption(text, bigint) IS
	'cancel a customer''s redemption (kept for audit), freeing its place under the limit; the customer may redeem again';
