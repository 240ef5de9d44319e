CREATE FUNCTION promo_draw.bonus_state(bonus_id bigint,
	OUT balance numeric, OUT wagered numeric, OUT required numeric, OUT accepts_bets boolean,
	OUT cleared boolean, OUT status text)
RETURNS SETOF record AS $$
	CLUSTER 'promo_draw_shards'; RUN ON promo_draw_proxy.node_of_bonus(bonus_id);
	SELECT * FROM promo_draw.bonus_state(bonus_id);
$$ LANGUAGE plproxy VOLATILE;
