-- the payload of a draw's outcome message, from its result, draw and prize
CREATE FUNCTION promo_draw.outcome_payload(outcome text, place bigint, draw_name text,
	default_prize text, lose_message text, prize_name text, prize_id bigint,
	prize_value numeric, prize_payload jsonb)
	RETURNS jsonb
	LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	-- no SET search_path, so that views and queries inline it: every name is
	-- qualified instead
	SELECT CASE
	       WHEN outcome OPERATOR(pg_catalog.=) 'won'
	       THEN pg_catalog.jsonb_build_object('draw', draw_name, 'prize', prize_name,
	            'prize_id', prize_id, 'value', prize_value, 'place', place, 'payload', prize_payload)
	       WHEN outcome OPERATOR(pg_catalog.=) 'default'
	       THEN pg_catalog.jsonb_build_object('draw', draw_name, 'prize', default_prize)
	       ELSE pg_catalog.jsonb_build_object('draw', draw_name, 'message', lose_message)
	       END
$$;
COMMENT ON FUNCTION promo_draw.outcome_payload(text, bigint, text, text, text, text, bigint, numeric, jsonb) IS
	'the payload of the message a draw gives a customer with this outcome';
