CREATE FUNCTION promo_draw.shard_code_transfers(code text)
RETURNS SETOF promo_draw.code_transfer
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT * FROM promo_draw.code_transfer t
	WHERE code IS NULL OR t.code = promo_draw.normalize_code(code)
$$;
COMMENT ON FUNCTION promo_draw.shard_code_transfers(text) IS
	'this node''s side of the transfers of a code''s room (every code''s for NULL)';
