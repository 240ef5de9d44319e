CREATE FUNCTION promo_draw_proxy.modular() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT EXISTS (SELECT FROM pg_foreign_server s, pg_options_to_table(s.srvoptions) o
	               WHERE s.srvname = 'promo_draw_shards'
	                 AND o.option_name = 'modular_mapping' AND o.option_value = '1')
$$;
COMMENT ON FUNCTION promo_draw_proxy.modular() IS
	'whether promo_draw_shards maps hashes to nodes by modulus (modular_mapping) rather than by bit mask';
