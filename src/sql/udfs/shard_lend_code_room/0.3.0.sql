CREATE FUNCTION promo_draw.shard_lend_code_room(code text, wanted bigint, transfer_id uuid, to_node integer)
RETURNS bigint
LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_code text := promo_draw.normalize_code(code);
	v_free bigint;
	v_give bigint;
	v_left bigint;
	r record;
BEGIN
	IF wanted < 1 THEN
		RAISE EXCEPTION 'wanted must be at least 1' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF EXISTS (SELECT FROM promo_draw.code_transfer t WHERE t.transfer_id = shard_lend_code_room.transfer_id) THEN
		-- asked again: lend what was lent
		RETURN (SELECT t.amount FROM promo_draw.code_transfer t
		        WHERE t.transfer_id = shard_lend_code_room.transfer_id AND t.direction = 'out');
	END IF;
	-- the counters in a fixed order, so that lenders and redeemers never deadlock
	SELECT coalesce(sum(s.capacity - s.used), 0) INTO v_free
	FROM (SELECT s.capacity, s.used FROM promo_draw.code_shard s
	      WHERE s.code = v_code ORDER BY s.shard FOR UPDATE) s;
	-- half of what is free, so that the lender keeps room for its own customers
	v_give := least(wanted, greatest((v_free + 1) / 2, least(v_free, 1)));
	IF v_give = 0 THEN
		RETURN 0;
	END IF;
	v_left := v_give;
	FOR r IN SELECT s.shard, s.capacity - s.used AS free FROM promo_draw.code_shard s
	         WHERE s.code = v_code AND s.capacity > s.used ORDER BY s.capacity - s.used DESC, s.shard LOOP
		EXIT WHEN v_left = 0;
		UPDATE promo_draw.code_shard s SET capacity = s.capacity - least(r.free, v_left)
		WHERE s.code = v_code AND s.shard = r.shard;
		v_left := v_left - least(r.free, v_left);
	END LOOP;
	INSERT INTO promo_draw.code_transfer (transfer_id, code, amount, direction, peer)
	VALUES (shard_lend_code_room.transfer_id, v_code, v_give, 'out', to_node);
	RETURN v_give;
END
$$;
COMMENT ON FUNCTION promo_draw.shard_lend_code_room(text, bigint, uuid, integer) IS
	'give up to wanted free places of a code (at most half of this node''s free room, at least one) to another node; returns how many';
