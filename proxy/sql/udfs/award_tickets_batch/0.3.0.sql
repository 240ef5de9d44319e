CREATE FUNCTION promo_draw.award_tickets(draw_id bigint, customer_ids bigint[],
	counts bigint[] DEFAULT NULL)
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
	-- arguments node 0 would refuse are sent there whole, for its error
	IF award_tickets.draw_id IS NULL OR customer_ids IS NULL OR array_position(customer_ids, NULL) IS NOT NULL
	   OR array_ndims(customer_ids) > 1 OR array_ndims(counts) > 1
	   OR cardinality(counts) <> cardinality(customer_ids) THEN
		RETURN promo_draw_proxy.award_tickets_on(0, award_tickets.draw_id, customer_ids, counts);
	END IF;
	FOR r IN
		SELECT promo_draw_proxy.node_of(x.c, v_nodes, v_modular) AS node, array_agg(x.c ORDER BY x.i) AS customers,
		       CASE WHEN counts IS NOT NULL THEN array_agg(x.n ORDER BY x.i) END AS counts
		FROM unnest(customer_ids, coalesce(counts, customer_ids)) WITH ORDINALITY AS x(c, n, i)
		GROUP BY 1 ORDER BY 1
	LOOP
		v_total := v_total + promo_draw_proxy.award_tickets_on(r.node, award_tickets.draw_id,
		                                                       r.customers, r.counts);
	END LOOP;
	RETURN v_total;
END
$$;
COMMENT ON FUNCTION promo_draw.award_tickets(bigint, bigint[], bigint[]) IS
	'award tickets to a batch of customers, each node its own customers in one call; returns the tickets awarded';
