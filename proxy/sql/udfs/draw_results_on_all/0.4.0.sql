CREATE FUNCTION promo_draw_proxy.draw_results_on_all(draw_id bigint,
	OUT place bigint, OUT customer_id bigint, OUT ticket uuid, OUT prize_id bigint,
	OUT prize text, OUT outcome text)
RETURNS SETOF record AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT * FROM promo_draw_shard.shard_draw_results(draw_id);
$$ LANGUAGE plproxy VOLATILE;
