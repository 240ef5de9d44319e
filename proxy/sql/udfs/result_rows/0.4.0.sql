CREATE FUNCTION promo_draw_proxy.result_rows(for_draw bigint,
	OUT draw_id bigint, OUT place bigint, OUT customer_id bigint, OUT ticket uuid,
	OUT prize_id bigint, OUT outcome text, OUT entry_ref uuid)
RETURNS SETOF record AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT r.draw_id, r.place, r.customer_id, r.ticket, r.prize_id, r.outcome, r.entry_ref
	FROM promo_draw.result r WHERE for_draw IS NULL OR r.draw_id = for_draw;
$$ LANGUAGE plproxy VOLATILE;
