CREATE FUNCTION promo_draw.bonus_bet(bonus_id bigint, stake numeric, contribution numeric DEFAULT 1,
	bet_id text DEFAULT NULL)
RETURNS void AS $$
	CLUSTER 'promo_draw_shards'; RUN ON promo_draw_proxy.node_of_bonus(bonus_id);
	SELECT promo_draw.bonus_bet(bonus_id, stake, contribution, bet_id);
$$ LANGUAGE plproxy VOLATILE;
