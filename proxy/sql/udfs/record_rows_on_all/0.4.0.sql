CREATE FUNCTION promo_draw_proxy.record_rows_on_all(draw_id bigint, OUT line text)
RETURNS SETOF text AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT r FROM promo_draw.draw_record_rows(draw_id) r;
$$ LANGUAGE plproxy VOLATILE;
