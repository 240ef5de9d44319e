CREATE FUNCTION promo_draw.shard_seal_draw(draw_id bigint, digest bytea) RETURNS bytea
	AS 'MODULE_PATHNAME', 'shard_seal_draw'
	LANGUAGE C VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION promo_draw.shard_seal_draw(bigint, bytea) IS
	'seal this node''s part of a sealed draw with the digest of every node''s entries; again with the same digest changes nothing';
