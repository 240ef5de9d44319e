CREATE FUNCTION promo_draw.forfeit_bonus(bonus_id bigint, reason text) RETURNS void AS $$
	CLUSTER 'promo_draw_shards'; RUN ON promo_draw_proxy.node_of_bonus(bonus_id);
	SELECT promo_draw.forfeit_bonus(bonus_id, reason);
$$ LANGUAGE plproxy VOLATILE;
