CREATE FUNCTION promo_draw.shard_draw_definition(draw_id bigint) RETURNS jsonb
LANGUAGE sql STABLE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT jsonb_build_object(
		'draw', to_jsonb(d),
		'secret', (SELECT to_jsonb(s) FROM promo_draw.draw_secret s WHERE s.draw_id = d.draw_id),
		'prizes', coalesce((SELECT jsonb_agg(to_jsonb(p) ORDER BY p.prize_id)
		                    FROM promo_draw.prize p WHERE p.draw_id = d.draw_id), '[]'),
		'partitions', coalesce((SELECT jsonb_agg(m.partition ORDER BY m.partition)
		                        FROM promo_draw.partition_mark m WHERE m.draw_id = d.draw_id), '[]'))
	FROM promo_draw.draw d
	WHERE d.draw_id = shard_draw_definition.draw_id
$$;
COMMENT ON FUNCTION promo_draw.shard_draw_definition(bigint) IS
	'a draw''s row, secrets (seed and reference key), prizes and partitions, for promo_draw_proxy to copy to the other nodes';
