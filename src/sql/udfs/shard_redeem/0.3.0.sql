CREATE FUNCTION promo_draw.shard_redeem(code text, customer_id bigint)
RETURNS SETOF promo_draw.redemption
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	-- no row, rather than an error, when this node's part of the limit is
	-- used up: the proxy then borrows room, and keeps its connection
	RETURN QUERY SELECT * FROM promo_draw.redeem(code, customer_id);
EXCEPTION WHEN SQLSTATE 'PD014' THEN
	RETURN;
END
$$;
COMMENT ON FUNCTION promo_draw.shard_redeem(text, bigint) IS
	'redeem on this node, or return no row when its part of the code''s limit is used up';
