CREATE FUNCTION promo_draw.record_stake(draw_id bigint, customer_id bigint, amount numeric,
	at timestamptz DEFAULT now(), partition integer DEFAULT 0, source_offset bigint DEFAULT NULL)
RETURNS bigint AS $$
	CLUSTER 'promo_draw_shards'; RUN ON hashint8(customer_id);
	SELECT promo_draw.record_stake(draw_id, customer_id, amount, at, partition, source_offset);
$$ LANGUAGE plproxy VOLATILE;
