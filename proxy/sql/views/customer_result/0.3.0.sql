CREATE VIEW promo_draw.customer_result AS
SELECT * FROM promo_draw_proxy.customer_result_rows();
COMMENT ON VIEW promo_draw.customer_result IS
	'every draw result of every node with the draw and prize it names; filter by customer_id';
