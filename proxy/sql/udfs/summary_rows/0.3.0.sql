CREATE FUNCTION promo_draw_proxy.summary_rows(
	OUT draw_id bigint, OUT participants bigint, OUT tickets numeric, OUT won bigint,
	OUT "default" bigint, OUT lost bigint, OUT ineligible bigint, OUT value_won numeric)
RETURNS SETOF record AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT s.draw_id, s.participants, s.tickets, s.won, s."default", s.lost, s.ineligible, s.value_won
	FROM promo_draw.draw_summary s;
$$ LANGUAGE plproxy VOLATILE;
