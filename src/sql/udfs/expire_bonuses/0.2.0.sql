CREATE FUNCTION promo_draw.expire_bonuses() RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_count integer;
BEGIN
	UPDATE promo_draw.bonus
	SET status = 'expired', ended_at = bonus.expires_at
	WHERE bonus.status = 'active' AND bonus.expires_at <= now();
	GET DIAGNOSTICS v_count = ROW_COUNT;
	RETURN v_count;
END
$$;
COMMENT ON FUNCTION promo_draw.expire_bonuses() IS
	'record the expiry of every active bonus past expires_at (for pg_cron); returns how many';
