CREATE FUNCTION promo_draw.shard_stage_draw(draw_id bigint, token uuid, places bigint[],
	customer_ids bigint[], tickets uuid[], prize_ids bigint[], outcomes text[], entry_refs uuid[])
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_rows bigint;
BEGIN
	IF draw_id IS NULL OR token IS NULL OR places IS NULL OR customer_ids IS NULL
	   OR tickets IS NULL OR prize_ids IS NULL OR outcomes IS NULL OR entry_refs IS NULL THEN
		RAISE EXCEPTION 'shard_stage_draw arguments must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF promo_draw_shard.shard_draw_begin(shard_stage_draw.draw_id) = 'drawn' THEN
		RAISE EXCEPTION 'draw % has already been drawn on this node', shard_stage_draw.draw_id
			USING ERRCODE = 'PD003';
	END IF;
	-- results staged by an earlier attempt are replaced
	DELETE FROM promo_draw.staged_result r
	WHERE r.draw_id = shard_stage_draw.draw_id AND r.token <> shard_stage_draw.token;
	INSERT INTO promo_draw.staged_result (draw_id, token, place, customer_id, ticket, prize_id, outcome,
	                                      entry_ref)
	SELECT shard_stage_draw.draw_id, shard_stage_draw.token, x.place, x.customer_id, x.ticket,
	       x.prize_id, x.outcome, x.entry_ref
	FROM unnest(places, customer_ids, tickets, prize_ids, outcomes, entry_refs)
	     AS x(place, customer_id, ticket, prize_id, outcome, entry_ref)
	ON CONFLICT DO NOTHING;
	GET DIAGNOSTICS v_rows = ROW_COUNT;
	RETURN v_rows;
END
$$;
COMMENT ON FUNCTION promo_draw.shard_stage_draw(bigint, uuid, bigint[], bigint[], uuid[], bigint[], text[], uuid[]) IS
	'stage results of a sharded draw for this node''s customers under the proxy''s token, adding to those already staged under it; returns the rows this call staged';
