CREATE FUNCTION promo_draw.seal_draw(draw_id bigint) RETURNS bytea
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_nodes integer := promo_draw_proxy.check_nodes();
	v promo_draw_proxy.draw_row;
	v_known integer;
	v_digest bytea;
BEGIN
	IF seal_draw.draw_id IS NULL THEN
		RAISE EXCEPTION 'draw_id must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT * INTO v FROM promo_draw_proxy.draw_rows(seal_draw.draw_id) d WHERE d.node = 0;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'draw % does not exist', seal_draw.draw_id USING ERRCODE = 'PD001';
	ELSIF NOT v.sealed THEN
		RAISE EXCEPTION 'draw % is not a sealed draw', seal_draw.draw_id
			USING ERRCODE = 'PD041',
			      DETAIL = 'Its tickets are ordered by its own secret seed, committed to by seed_hash.';
	END IF;
	SELECT count(*) INTO v_known FROM promo_draw_proxy.draw_rows(seal_draw.draw_id) d
	WHERE d.entry_digest IS NOT DISTINCT FROM v.entry_digest;
	IF v.entry_digest IS NOT NULL AND v_known = v_nodes THEN
		RETURN v.entry_digest;
	END IF;
	-- every node's participants (each node waits for its ingest in flight
	-- and refuses if the draw is not ready there), digested together
	SELECT promo_draw_proxy.sealed_digest(seal_draw.draw_id, array_agg(e.customer_id ORDER BY e.customer_id),
	                                      array_agg(e.entry_ref ORDER BY e.customer_id),
	                                      array_agg(e.tickets ORDER BY e.customer_id))
	INTO v_digest
	FROM promo_draw_proxy.sealed_entries_on_all(seal_draw.draw_id) e;
	PERFORM count(*) FROM promo_draw_proxy.seal_draw_on_all(seal_draw.draw_id, v_digest);
	RETURN v_digest;
END
$$;
COMMENT ON FUNCTION promo_draw.seal_draw(bigint) IS
	'seal a ready sealed draw on every node with the digest of all their entries; returns the digest (again: the same)';
