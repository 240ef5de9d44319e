-- What the proxy's run_draw takes from promo_draw's library (src/proxy.c),
-- over the tickets it put in pg_temp.promo_draw_tickets: the walk of a
-- node's run_draw, which asks a would-be winner's node whether the customer
-- is eligible, and the entry digest of a seeded draw as one node stores it
CREATE FUNCTION promo_draw_proxy.walk_prizes(draw_id bigint, max_wins integer, repeats boolean,
	by_ref boolean, ask boolean, consolation text, nodes integer, modular boolean)
RETURNS TABLE (place bigint, customer_id bigint, ticket uuid, prize_id bigint, outcome text, entry_ref uuid)
	AS '$libdir/promo_draw', 'proxy_walk_prizes'
	LANGUAGE C VOLATILE;
COMMENT ON FUNCTION promo_draw_proxy.walk_prizes(bigint, integer, boolean, boolean, boolean, text,
	integer, boolean) IS
	'run_draw''s walk of every node''s tickets (pg_temp.promo_draw_tickets) against the prizes, as a node walks its own';

CREATE FUNCTION promo_draw_proxy.seeded_digest(draw_id bigint, seed_hash bytea, max_wins integer,
	default_prize text, lose_message text, eligibility text)
RETURNS bytea
	AS '$libdir/promo_draw', 'proxy_seeded_digest'
	LANGUAGE C VOLATILE;
COMMENT ON FUNCTION promo_draw_proxy.seeded_digest(bigint, bytea, integer, text, text, text) IS
	'the entry digest of a seeded draw over every node''s entries (pg_temp.promo_draw_tickets), as one node holding them all stores it';
