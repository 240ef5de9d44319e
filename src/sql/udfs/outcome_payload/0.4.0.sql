-- the payload of a draw's outcome message, from its result, draw and prize;
-- from 0.4.0 with the customer's entry reference, their name in the draw's
-- public record
CREATE FUNCTION promo_draw.outcome_payload(outcome text, place bigint, draw_name text,
	default_prize text, lose_message text, prize_name text, prize_id bigint,
	prize_value numeric, prize_payload jsonb, entry_ref uuid)
	RETURNS jsonb
	LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	-- no SET search_path, so that views and queries inline it: every name is
	-- qualified instead
	SELECT pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object('entry_ref', entry_ref))
	       OPERATOR(pg_catalog.||)
	       CASE
	       WHEN outcome OPERATOR(pg_catalog.=) 'won'
	       THEN pg_catalog.jsonb_build_object('draw', draw_name, 'prize', prize_name,
	            'prize_id', prize_id, 'value', prize_value, 'place', place, 'payload', prize_payload)
	       WHEN outcome OPERATOR(pg_catalog.=) 'default'
	       THEN pg_catalog.jsonb_build_object('draw', draw_name, 'prize', default_prize)
	       ELSE pg_catalog.jsonb_build_object('draw', draw_name, 'message', lose_message)
	       END
$$;
COMMENT ON FUNCTION promo_draw.outcome_payload(text, bigint, text, text, text, text, bigint, numeric, jsonb, uuid) IS
	'the payload of the message a draw gives a customer with this outcome, with their entry reference';
