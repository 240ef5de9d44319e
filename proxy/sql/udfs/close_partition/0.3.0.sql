CREATE FUNCTION promo_draw.close_partition(draw_id bigint, partition integer) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_ready boolean;
BEGIN
	-- every node closes the partition; the draw is ready when it is on all,
	-- and a sealed draw is then sealed over every node's entries
	SELECT bool_and(r) INTO v_ready
	FROM promo_draw_proxy.close_partition_on_all(close_partition.draw_id, close_partition.partition) r;
	IF v_ready AND EXISTS (SELECT FROM promo_draw_proxy.draw_rows(close_partition.draw_id) d
	                       WHERE d.node = 0 AND d.sealed AND d.entry_digest IS NULL) THEN
		PERFORM promo_draw.seal_draw(close_partition.draw_id);
	END IF;
	RETURN v_ready;
END
$$;
COMMENT ON FUNCTION promo_draw.close_partition(bigint, integer) IS
	'close an ingest partition of a draw on every node; true once every partition has reported on every node (a sealed draw is then sealed)';
