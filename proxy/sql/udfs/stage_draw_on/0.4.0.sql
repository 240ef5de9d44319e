CREATE FUNCTION promo_draw_proxy.stage_draw_on(node integer, draw_id bigint, token uuid,
	places bigint[], customer_ids bigint[], tickets uuid[], prize_ids bigint[], outcomes text[],
	entry_refs uuid[])
RETURNS bigint AS $$
	CLUSTER 'promo_draw_shards'; RUN ON node;
	SELECT promo_draw_shard.shard_stage_draw(draw_id, token, places, customer_ids, tickets, prize_ids, outcomes,
		entry_refs);
$$ LANGUAGE plproxy VOLATILE;
