-- the walk of a draw's tickets against its prizes: promo_draw's own, in its
-- library (src/prize_walk.c), over the tickets run_draw put in
-- pg_temp.promo_draw_tickets; the eligibility of a customer who would win
-- is asked on the customer's node
CREATE FUNCTION promo_draw_proxy.walk_prizes(draw_id bigint, prize_ids bigint[], quantities bigint[],
	max_wins integer, repeats boolean, by_ref boolean, ask boolean, consolation text,
	nodes integer, modular boolean)
RETURNS TABLE (place bigint, customer_id bigint, ticket uuid, prize_id bigint, outcome text, entry_ref uuid)
	AS '$libdir/promo_draw', 'proxy_walk_prizes'
	LANGUAGE C VOLATILE;
COMMENT ON FUNCTION promo_draw_proxy.walk_prizes(bigint, bigint[], bigint[], integer, boolean, boolean,
	boolean, text, integer, boolean) IS
	'run_draw''s walk of every node''s tickets (pg_temp.promo_draw_tickets) against the prizes, as a node walks its own';
