CREATE FUNCTION promo_draw.record_stakes(draw_id bigint, customer_ids bigint[], amounts numeric[],
	ats timestamptz[] DEFAULT NULL, partition integer DEFAULT 0, source_offsets bigint[] DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_total bigint := 0;
	v_nodes integer := promo_draw_proxy.nodes();
	v_modular boolean := promo_draw_proxy.modular();
	r record;
BEGIN
	IF record_stakes.draw_id IS NULL OR customer_ids IS NULL OR amounts IS NULL
	   OR array_position(customer_ids, NULL) IS NOT NULL OR array_ndims(customer_ids) > 1
	   OR cardinality(amounts) <> cardinality(customer_ids)
	   OR cardinality(ats) <> cardinality(customer_ids)
	   OR cardinality(source_offsets) <> cardinality(customer_ids) THEN
		RETURN promo_draw_proxy.record_stakes_on(0, record_stakes.draw_id, customer_ids, amounts,
		                                         ats, record_stakes.partition, source_offsets);
	END IF;
	-- each node gets its customers' bets in the order of the batch
	FOR r IN
		SELECT promo_draw_proxy.node_of(x.c, v_nodes, v_modular) AS node, array_agg(x.c ORDER BY x.i) AS customers,
		       array_agg(x.a ORDER BY x.i) AS amounts,
		       CASE WHEN ats IS NOT NULL THEN array_agg(x.t ORDER BY x.i) END AS ats,
		       CASE WHEN source_offsets IS NOT NULL THEN array_agg(x.o ORDER BY x.i) END AS offsets
		FROM unnest(customer_ids, amounts, ats, source_offsets) WITH ORDINALITY AS x(c, a, t, o, i)
		GROUP BY 1 ORDER BY 1
	LOOP
		v_total := v_total + promo_draw_proxy.record_stakes_on(r.node, record_stakes.draw_id,
			r.customers, r.amounts, r.ats, record_stakes.partition, r.offsets);
	END LOOP;
	RETURN v_total;
END
$$;
COMMENT ON FUNCTION promo_draw.record_stakes(bigint, bigint[], numeric[], timestamptz[], integer, bigint[]) IS
	'a batch of bets from one partition, split by node (each node applies its part in one call); returns the tickets the batch brought';
