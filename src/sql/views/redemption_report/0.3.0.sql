CREATE VIEW promo_draw.redemption_report AS
SELECT promo_draw.code_label(r.code, c.max_redemptions) AS code_label, r.customer_id,
       r.redeemed_at, r.cancelled_at, false AS archived
FROM promo_draw.redemption r
JOIN promo_draw.promo_code c ON c.code = r.code
UNION ALL
SELECT promo_draw.code_label(h.code, c.max_redemptions), h.customer_id,
       h.redeemed_at, h.cancelled_at, true
FROM promo_draw.redemption_history h
JOIN promo_draw.promo_code c ON c.code = h.code;
COMMENT ON VIEW promo_draw.redemption_report IS
	'every redemption, valid, cancelled and archived, for reporting roles: single-use codes are shown without their last 12 characters';
