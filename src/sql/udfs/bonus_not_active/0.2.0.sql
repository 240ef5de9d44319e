-- Raise PD031 for a bonus that is not active.  Only the refusal calls it:
-- the check itself stays in the callers, off any function call.
CREATE FUNCTION promo_draw.bonus_not_active(b promo_draw.bonus) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	RAISE EXCEPTION 'bonus % is not active', b.bonus_id
		USING ERRCODE = 'PD031',
		      DETAIL = format('It is %s since %s.', promo_draw.bonus_status_now(b),
		                      coalesce(b.ended_at, b.expires_at));
END
$$;
COMMENT ON FUNCTION promo_draw.bonus_not_active(promo_draw.bonus) IS
	'internal: raise PD031, saying what the bonus is and since when';
