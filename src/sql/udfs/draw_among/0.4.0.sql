CREATE FUNCTION promo_draw.draw_among(name text, customer_ids bigint[], prizes jsonb,
	beacon_source text DEFAULT NULL, sealed boolean DEFAULT true, tickets bigint[] DEFAULT NULL,
	max_wins_per_customer integer DEFAULT 1, default_prize text DEFAULT NULL,
	lose_message text DEFAULT 'Better luck next time', eligibility regprocedure DEFAULT NULL,
	beacon_due_at timestamptz DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_draw_id bigint;
	v_prize jsonb;
BEGIN
	IF draw_among.customer_ids IS NULL OR draw_among.prizes IS NULL THEN
		RAISE EXCEPTION 'customer_ids and prizes must not be null'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF cardinality(draw_among.customer_ids) = 0 THEN
		RAISE EXCEPTION 'draw_among needs at least one customer'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF jsonb_typeof(draw_among.prizes) <> 'array' OR jsonb_array_length(draw_among.prizes) = 0
	   OR EXISTS (SELECT FROM jsonb_array_elements(draw_among.prizes) p
	              WHERE jsonb_typeof(p) <> 'object' OR jsonb_typeof(p -> 'name') IS DISTINCT FROM 'string'
	                 OR jsonb_typeof(p -> 'value') IS DISTINCT FROM 'number'
	                 OR (p ? 'quantity' AND jsonb_typeof(p -> 'quantity') <> 'number')) THEN
		RAISE EXCEPTION 'prizes must be a non-empty JSON array of objects with a name and a value'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = format('The prizes given were %s.', draw_among.prizes),
			      HINT = 'For example ''[{"name": "50 free spins", "value": 10, "quantity": 3}]''; quantity and payload are optional.';
	END IF;
	-- one ingest partition, closed below: the draw is ready (and sealed) at once
	v_draw_id := promo_draw.create_draw(draw_among.name,
		closes_at => now() + interval '1 microsecond', partitions => 1, milestones => '{}',
		max_wins_per_customer => draw_among.max_wins_per_customer,
		default_prize => draw_among.default_prize, lose_message => draw_among.lose_message,
		eligibility => draw_among.eligibility, sealed => draw_among.sealed,
		beacon_source => draw_among.beacon_source, beacon_due_at => draw_among.beacon_due_at);
	-- on one node a failure rolls everything back; on a proxy, whose nodes
	-- commit each call, the draw made so far is cancelled so none is left open
	BEGIN
		FOR v_prize IN SELECT p FROM jsonb_array_elements(draw_among.prizes) p LOOP
			PERFORM promo_draw.add_prize(v_draw_id, v_prize ->> 'name', (v_prize ->> 'value')::numeric,
				coalesce((v_prize ->> 'quantity')::integer, 1), coalesce(v_prize -> 'payload', '{}'));
		END LOOP;
		PERFORM promo_draw.award_tickets(v_draw_id, draw_among.customer_ids, draw_among.tickets);
		PERFORM promo_draw.close_partition(v_draw_id, 0);
	EXCEPTION WHEN OTHERS THEN
		PERFORM promo_draw.cancel_draw(v_draw_id, 'draw_among failed: ' || SQLERRM);
		RAISE;
	END;
	RETURN v_draw_id;
END
$$;
COMMENT ON FUNCTION promo_draw.draw_among(text, bigint[], jsonb, text, boolean, bigint[], integer,
	text, text, regprocedure, timestamptz) IS
	'a draw among the customers given (one ticket each, or tickets[]), ready at once: sealed by default (with beacon_source and beacon_due_at), so it runs after set_beacon(); returns its draw_id';
