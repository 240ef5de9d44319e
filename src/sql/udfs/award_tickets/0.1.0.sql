CREATE FUNCTION promo_draw.award_tickets(draw_id bigint, customer_id bigint, n bigint DEFAULT 1)
	RETURNS bigint
	AS 'MODULE_PATHNAME', 'award_tickets'
	LANGUAGE C VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION promo_draw.award_tickets(bigint, bigint, bigint) IS
	'give a customer n (1 to 10,000,000) more tickets, capped by max_tickets_per_customer; returns the customer''s ticket count';
