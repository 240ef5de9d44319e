CREATE FUNCTION promo_draw.add_prize(draw_id bigint, name text, value numeric,
	quantity integer DEFAULT 1, payload jsonb DEFAULT '{}')
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_id bigint;
BEGIN
	PERFORM promo_draw_proxy.check_nodes();
	v_id := promo_draw_proxy.add_prize_on_0(add_prize.draw_id, add_prize.name, add_prize.value,
		add_prize.quantity, add_prize.payload);
	PERFORM promo_draw_proxy.copy_draw(add_prize.draw_id);
	RETURN v_id;
END
$$;
COMMENT ON FUNCTION promo_draw.add_prize(bigint, text, numeric, integer, jsonb) IS
	'add a prize to a draw''s prize table on every node; returns its prize_id';
