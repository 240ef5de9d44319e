CREATE FUNCTION promo_draw_proxy.node_of(customer_id bigint) RETURNS integer
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT promo_draw_proxy.node_of(customer_id, promo_draw_proxy.nodes(), promo_draw_proxy.modular())
$$;
COMMENT ON FUNCTION promo_draw_proxy.node_of(bigint) IS
	'the node that holds a customer: the one hashint8(customer_id) maps to';
