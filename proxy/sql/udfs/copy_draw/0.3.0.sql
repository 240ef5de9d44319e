CREATE FUNCTION promo_draw_proxy.copy_draw(draw_id bigint) RETURNS bigint
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT max(x) FROM promo_draw_proxy.put_draw_on_all(promo_draw_proxy.draw_definition_on_0(draw_id)) x
$$;
COMMENT ON FUNCTION promo_draw_proxy.copy_draw(bigint) IS
	'copy a draw''s definition from node 0 to every node: also repairs a copy a node missed';
