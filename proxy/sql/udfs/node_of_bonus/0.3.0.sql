-- a bonus_id made on node k of n is k + 1 modulo n
CREATE FUNCTION promo_draw_proxy.node_of_bonus(bonus_id bigint) RETURNS integer
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT ((bonus_id - 1) % promo_draw_proxy.nodes())::integer
$$;
COMMENT ON FUNCTION promo_draw_proxy.node_of_bonus(bigint) IS
	'the node that made a bonus_id (ids are interleaved by node)';
