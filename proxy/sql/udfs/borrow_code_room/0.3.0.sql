-- borrow room of a code for node to_node from the other nodes; returns how much
CREATE FUNCTION promo_draw_proxy.borrow_code_room(code text, to_node integer) RETURNS bigint
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_nodes integer := promo_draw_proxy.nodes();
	v_start integer := (random() * v_nodes)::integer;
	v_transfer uuid;
	v_got bigint;
	v_node integer;
BEGIN
	IF promo_draw_proxy.settle_code_transfers(code) > 0 THEN
		RETURN 1;	-- room in transit arrived: try again
	END IF;
	FOR i IN 0 .. v_nodes - 1 LOOP
		v_node := (v_start + i) % v_nodes;
		CONTINUE WHEN v_node = to_node;
		v_transfer := gen_random_uuid();
		v_got := promo_draw_proxy.lend_code_room_on(v_node, code, 1000000000, v_transfer, to_node);
		IF v_got > 0 THEN
			PERFORM promo_draw_proxy.accept_code_room_on(to_node, code, v_transfer, v_got, v_node);
			RETURN v_got;
		END IF;
	END LOOP;
	RETURN 0;
END
$$;
COMMENT ON FUNCTION promo_draw_proxy.borrow_code_room(text, integer) IS
	'move free room of a code from another node to to_node (after completing transfers in transit); returns the places moved';
