-- The status of a bonus now: an active bonus past its expiry has expired.
-- (A SQL-standard body, bound when it is created: no search_path needed,
-- and it can be inlined.)
CREATE FUNCTION promo_draw.bonus_status_now(b promo_draw.bonus) RETURNS text
	LANGUAGE sql STABLE PARALLEL SAFE
RETURN CASE WHEN b.status = 'active' AND b.expires_at <= now() THEN 'expired' ELSE b.status END;
COMMENT ON FUNCTION promo_draw.bonus_status_now(promo_draw.bonus) IS
	'the status of a bonus now: active bonuses past expires_at count as expired';
