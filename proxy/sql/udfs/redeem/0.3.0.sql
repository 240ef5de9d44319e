CREATE FUNCTION promo_draw.redeem(code text, customer_id bigint)
RETURNS promo_draw.redemption
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_node integer;
	r promo_draw.redemption;
BEGIN
	IF redeem.code IS NULL OR redeem.customer_id IS NULL THEN
		-- the customer's node would raise the same error
		SELECT * INTO r FROM promo_draw_proxy.redeem_on(0, redeem.code, redeem.customer_id);
		RETURN r;
	END IF;
	v_node := promo_draw_proxy.node_of(redeem.customer_id);
	LOOP
		SELECT * INTO r FROM promo_draw_proxy.redeem_on(v_node, redeem.code, redeem.customer_id);
		IF FOUND THEN
			RETURN r;
		END IF;
		-- this node's part is used up: borrow, or refuse when no node has room
		IF promo_draw_proxy.borrow_code_room(redeem.code, v_node) = 0 THEN
			RAISE EXCEPTION 'promotion code % is exhausted', upper(btrim(redeem.code))
				USING ERRCODE = 'PD014',
				      DETAIL = 'No node has a place left under its limit.';
		END IF;
	END LOOP;
END
$$;
COMMENT ON FUNCTION promo_draw.redeem(text, bigint) IS
	'redeem a promotion code for a customer on their node, once, inside its window and limit (room borrowed from other nodes); returns the redemption';
