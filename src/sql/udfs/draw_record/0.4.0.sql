/*
 * A draw's record as one document, from the lines of draw_record_rows: on a
 * single node and, shared, on the proxy, whose draw_record_rows merges the
 * nodes' lines.
 */
CREATE FUNCTION promo_draw.draw_record(draw_id bigint) RETURNS jsonb
	LANGUAGE sql STABLE STRICT SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
	WITH rows AS (
		SELECT line::jsonb AS line, ord
		FROM promo_draw.draw_record_rows(draw_record.draw_id) WITH ORDINALITY AS r(line, ord)
	)
	SELECT (SELECT line FROM rows WHERE ord = 1)
	       || jsonb_build_object(
	              'entries', coalesce((SELECT jsonb_agg(line -> 'entry' ORDER BY ord) FROM rows
	                                   WHERE line ? 'entry'), '[]'),
	              'results', coalesce((SELECT jsonb_agg(line -> 'result' ORDER BY ord) FROM rows
	                                   WHERE line ? 'result'), '[]'))
$$;
COMMENT ON FUNCTION promo_draw.draw_record(bigint) IS
	'the public record of a drawn draw as one JSON document (doc/record-format.md): rules, prizes, times, digests, revealed seed or beacon, entries by reference, results; no customer id, nothing before the draw';

