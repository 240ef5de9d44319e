CREATE FUNCTION promo_draw_proxy.accept_code_room_on(node integer, code text, transfer_id uuid,
	amount bigint, from_node integer)
RETURNS boolean AS $$
	CLUSTER 'promo_draw_shards'; RUN ON node;
	SELECT promo_draw_shard.shard_accept_code_room(code, transfer_id, amount, from_node);
$$ LANGUAGE plproxy VOLATILE;
