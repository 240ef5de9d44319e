CREATE FUNCTION promo_draw_proxy.code_transfers_on_all(for_code text,
	OUT node integer, OUT transfer_id uuid, OUT code text, OUT amount bigint, OUT direction text,
	OUT peer integer)
RETURNS SETOF record AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT (SELECT s.node FROM promo_draw.shard_node s) AS node, t.transfer_id, t.code, t.amount,
	       t.direction, t.peer
	FROM promo_draw_shard.shard_code_transfers(for_code) t;
$$ LANGUAGE plproxy VOLATILE;
