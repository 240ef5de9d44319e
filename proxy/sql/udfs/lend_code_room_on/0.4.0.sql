CREATE FUNCTION promo_draw_proxy.lend_code_room_on(node integer, code text, wanted bigint,
	transfer_id uuid, to_node integer)
RETURNS bigint AS $$
	CLUSTER 'promo_draw_shards'; RUN ON node;
	SELECT promo_draw_shard.shard_lend_code_room(code, wanted, transfer_id, to_node);
$$ LANGUAGE plproxy VOLATILE;
