CREATE FUNCTION promo_draw.expire_bonuses() RETURNS integer
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT coalesce(sum(n), 0)::integer FROM promo_draw_proxy.expire_bonuses_on_all() n
$$;
COMMENT ON FUNCTION promo_draw.expire_bonuses() IS
	'end every active bonus past its expiry, on every node; returns how many';
