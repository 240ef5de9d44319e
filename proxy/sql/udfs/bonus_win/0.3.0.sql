CREATE FUNCTION promo_draw.bonus_win(bonus_id bigint, amount numeric, bet_id text DEFAULT NULL)
RETURNS void AS $$
	CLUSTER 'promo_draw_shards'; RUN ON promo_draw_proxy.node_of_bonus(bonus_id);
	SELECT promo_draw.bonus_win(bonus_id, amount, bet_id);
$$ LANGUAGE plproxy VOLATILE;
