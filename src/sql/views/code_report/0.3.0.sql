CREATE VIEW promo_draw.code_report AS
SELECT promo_draw.code_label(s.code, s.max_redemptions) AS code_label,
       s.max_redemptions = 1 AS single_use,
       s.starts_at, s.ends_at, s.max_redemptions, s.redeemed, s.cancelled, s.remaining, s.reward
FROM promo_draw.code_summary s;
COMMENT ON VIEW promo_draw.code_report IS
	'code_summary for reporting roles: single-use codes are shown without their last 12 characters';
