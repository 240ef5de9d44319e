CREATE FUNCTION promo_draw_proxy.settle_code_transfers(code text DEFAULT NULL) RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_settled integer := 0;
	t record;
BEGIN
	FOR t IN
		WITH x AS (SELECT * FROM promo_draw_proxy.code_transfers_on_all(settle_code_transfers.code))
		SELECT o.node, o.transfer_id, o.code, o.amount, o.peer FROM x o
		WHERE o.direction = 'out'
		  AND NOT EXISTS (SELECT FROM x i WHERE i.direction = 'in' AND i.transfer_id = o.transfer_id)
	LOOP
		IF promo_draw_proxy.accept_code_room_on(t.peer, t.code, t.transfer_id, t.amount, t.node) THEN
			v_settled := v_settled + 1;
		END IF;
	END LOOP;
	RETURN v_settled;
END
$$;
COMMENT ON FUNCTION promo_draw_proxy.settle_code_transfers(text) IS
	'complete the transfers of code room a lender recorded and its borrower did not (of one code, or all); returns how many';
