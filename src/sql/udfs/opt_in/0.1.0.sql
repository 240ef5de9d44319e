CREATE FUNCTION promo_draw.opt_in(draw_id bigint, customer_id bigint) RETURNS void
	AS 'MODULE_PATHNAME', 'opt_in'
	LANGUAGE C VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION promo_draw.opt_in(bigint, bigint) IS
	'the customer takes part in a draw that requires opt-in; refused once the draw is ready';
