CREATE FUNCTION promo_draw.shard_sealed_tickets(draw_id bigint, part integer DEFAULT 0,
	parts integer DEFAULT 1)
RETURNS TABLE (key double precision, customer_id bigint, rank integer, tickets bigint, ticket uuid,
	entry_ref uuid)
	AS 'MODULE_PATHNAME', 'shard_sealed_tickets'
	LANGUAGE C VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION promo_draw.shard_sealed_tickets(bigint, integer, integer) IS
	'the keys of this node''s tickets in a sealed draw with its beacon, in the draw''s order, with their entries'' references (digest version 2), for the proxy to merge';
