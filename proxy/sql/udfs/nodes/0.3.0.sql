-- the number of nodes: the partitions p0, p1, ... of the server
CREATE FUNCTION promo_draw_proxy.nodes() RETURNS integer
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT count(*)::integer
	FROM pg_foreign_server s, pg_options_to_table(s.srvoptions) o
	WHERE s.srvname = 'promo_draw_shards' AND o.option_name ~ '^p[0-9]+$'
$$;
COMMENT ON FUNCTION promo_draw_proxy.nodes() IS
	'how many nodes the cluster promo_draw_shards has (its options p0, p1, ...)';
