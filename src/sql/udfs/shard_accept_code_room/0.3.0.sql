CREATE FUNCTION promo_draw.shard_accept_code_room(code text, transfer_id uuid, amount bigint, from_node integer)
RETURNS boolean
LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_code text := promo_draw.normalize_code(code);
BEGIN
	IF amount < 1 THEN
		RAISE EXCEPTION 'amount must be at least 1' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	INSERT INTO promo_draw.code_transfer (transfer_id, code, amount, direction, peer)
	VALUES (shard_accept_code_room.transfer_id, v_code, amount, 'in', from_node)
	ON CONFLICT DO NOTHING;
	IF NOT FOUND THEN
		RETURN false;
	END IF;
	UPDATE promo_draw.code_shard s SET capacity = s.capacity + amount
	WHERE s.code = v_code
	  AND s.shard = (SELECT min(q.shard) FROM promo_draw.code_shard q WHERE q.code = v_code);
	IF NOT FOUND THEN
		RAISE EXCEPTION 'promotion code % has no limit on this node', v_code USING ERRCODE = 'PD010';
	END IF;
	RETURN true;
END
$$;
COMMENT ON FUNCTION promo_draw.shard_accept_code_room(text, uuid, bigint, integer) IS
	'take in places of a code lent by another node, once per transfer_id; false if this transfer was taken in before';
