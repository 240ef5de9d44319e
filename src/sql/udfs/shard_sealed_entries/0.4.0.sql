CREATE FUNCTION promo_draw.shard_sealed_entries(draw_id bigint)
RETURNS TABLE (customer_id bigint, tickets bigint, entry_ref uuid)
LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_opt_in boolean;
BEGIN
	PERFORM promo_draw_shard.shard_seal_begin(shard_sealed_entries.draw_id);
	SELECT d.requires_opt_in INTO v_opt_in FROM promo_draw.draw d
	WHERE d.draw_id = shard_sealed_entries.draw_id;
	RETURN QUERY
	SELECT e.customer_id, e.tickets, e.entry_ref FROM promo_draw.entry e
	WHERE e.draw_id = shard_sealed_entries.draw_id AND e.tickets > 0 AND (e.opted_in OR NOT v_opt_in)
	ORDER BY e.customer_id;
END
$$;
COMMENT ON FUNCTION promo_draw.shard_sealed_entries(bigint) IS
	'the participants of a ready sealed draw on this node, their ticket counts and entry references, for the proxy to seal it';
