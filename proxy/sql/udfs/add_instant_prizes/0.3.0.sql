CREATE FUNCTION promo_draw.add_instant_prizes(instant_win_id bigint, prize text, quantity integer)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_nodes integer := promo_draw_proxy.check_nodes();
	v_share integer;
BEGIN
	IF quantity IS NULL OR quantity < 1 THEN
		-- node 0 refuses it with its own error
		PERFORM promo_draw_proxy.add_instant_prizes_on(0, instant_win_id, prize, quantity);
		RETURN;
	END IF;
	FOR k IN 0 .. v_nodes - 1 LOOP
		v_share := quantity / v_nodes + CASE WHEN k < quantity % v_nodes THEN 1 ELSE 0 END;
		IF v_share > 0 THEN
			PERFORM promo_draw_proxy.add_instant_prizes_on(k, instant_win_id, prize, v_share);
		END IF;
	END LOOP;
END
$$;
COMMENT ON FUNCTION promo_draw.add_instant_prizes(bigint, text, integer) IS
	'add quantity units of a prize (NULL: losing units) to an instant win''s pool, split between the nodes';
