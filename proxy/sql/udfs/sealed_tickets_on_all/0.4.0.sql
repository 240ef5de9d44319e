CREATE FUNCTION promo_draw_proxy.sealed_tickets_on_all(draw_id bigint, part integer, parts integer,
	OUT key double precision, OUT customer_id bigint, OUT rank integer, OUT tickets bigint, OUT ticket uuid,
	OUT entry_ref uuid)
RETURNS SETOF record AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT * FROM promo_draw_shard.shard_sealed_tickets(draw_id, part, parts);
$$ LANGUAGE plproxy VOLATILE;
