CREATE FUNCTION promo_draw_proxy.entry_reveal_rows(for_draw bigint,
	OUT draw_id bigint, OUT customer_id bigint, OUT tickets bigint, OUT best uuid[], OUT opted_in boolean,
	OUT entry_ref uuid)
RETURNS SETOF record AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT e.draw_id, e.customer_id, e.tickets, e.best, e.opted_in, e.entry_ref
	FROM promo_draw.entry_reveal e WHERE for_draw IS NULL OR e.draw_id = for_draw;
$$ LANGUAGE plproxy VOLATILE;
