CREATE VIEW promo_draw.code_report AS
SELECT * FROM promo_draw_proxy.code_report_rows();
COMMENT ON VIEW promo_draw.code_report IS
	'code_summary over every node for reporting roles: single-use codes are shown without their last 12 characters';
