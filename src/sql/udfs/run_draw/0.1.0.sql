CREATE FUNCTION promo_draw.run_draw(draw_id bigint)
	RETURNS TABLE (place bigint, customer_id bigint, ticket uuid, prize_id bigint,
	               prize text, outcome text)
	AS 'MODULE_PATHNAME', 'run_draw'
	LANGUAGE C VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION promo_draw.run_draw(bigint) IS
	'draw a ready draw and return its results by place; again, returns the stored results and writes nothing';
