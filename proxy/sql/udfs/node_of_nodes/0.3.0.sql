-- The node of a customer, as PL/Proxy maps hashint8(customer_id) for RUN
-- ON: given the number of nodes and the mapping, it is inlined into its
-- caller (no SET clause, no subquery), so a batch costs no catalog reads.
CREATE FUNCTION promo_draw_proxy.node_of(customer_id bigint, nodes integer, modular boolean)
RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
	SELECT CASE WHEN modular
	            THEN pg_catalog.abs(pg_catalog.hashint8(customer_id) OPERATOR(pg_catalog.%) nodes)
	            ELSE pg_catalog.hashint8(customer_id) OPERATOR(pg_catalog.&) (nodes OPERATOR(pg_catalog.-) 1) END
$$;
COMMENT ON FUNCTION promo_draw_proxy.node_of(bigint, integer, boolean) IS
	'the node of a customer among nodes nodes, with bit-mask or modular mapping';
