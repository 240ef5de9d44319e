CREATE VIEW promo_draw.redemption_report AS
SELECT * FROM promo_draw_proxy.redemption_report_rows();
COMMENT ON VIEW promo_draw.redemption_report IS
	'every redemption on every node, valid, cancelled and archived, for reporting roles: single-use codes are shown without their last 12 characters';
