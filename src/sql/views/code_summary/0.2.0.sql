CREATE VIEW promo_draw.code_summary AS
SELECT c.code, c.starts_at, c.ends_at, c.max_redemptions,
       (SELECT count(*) FROM promo_draw.redemption r WHERE r.code = c.code AND r.cancelled_at IS NULL) AS redeemed,
       (SELECT count(*) FROM promo_draw.redemption r WHERE r.code = c.code AND r.cancelled_at IS NOT NULL)
       + (SELECT count(*) FROM promo_draw.redemption_history h WHERE h.code = c.code) AS cancelled,
       c.max_redemptions - (SELECT coalesce(sum(s.used), 0) FROM promo_draw.code_shard s WHERE s.code = c.code) AS remaining,
       c.reward
FROM promo_draw.promo_code c;
COMMENT ON VIEW promo_draw.code_summary IS
	'one row per promotion code: valid and cancelled redemptions, and what remains of its limit';
