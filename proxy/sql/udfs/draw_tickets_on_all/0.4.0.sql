-- a draw's tickets come in parts (customer_id mod parts), so the proxy,
-- which holds a whole call's result, holds one part at a time
CREATE FUNCTION promo_draw_proxy.draw_tickets_on_all(draw_id bigint, part integer, parts integer,
	OUT ticket uuid, OUT customer_id bigint, OUT rank integer, OUT tickets bigint,
	OUT entry_ref uuid)
RETURNS SETOF record AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT * FROM promo_draw_shard.shard_draw_tickets(draw_id, part, parts);
$$ LANGUAGE plproxy VOLATILE;
