/*
 * A sharded draw's public record is the one a single node holding every
 * entry would give (promo_draw's draw_record): node 0's header with the
 * participants and tickets of every node, the entries of every node by
 * reference, the results of every node by place.  Each node refuses before
 * its part is drawn (PD043), so nothing is revealed early.
 */
CREATE FUNCTION promo_draw.draw_record_rows(draw_id bigint) RETURNS SETOF text
	LANGUAGE sql VOLATILE STRICT SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
	WITH lines AS (
		SELECT r.line::jsonb AS line FROM promo_draw_proxy.record_rows_on_all($1) r
	),
	headers AS (
		SELECT line FROM lines WHERE line ? 'record'
	)
	SELECT (h.line || jsonb_build_object(
	           'participants', (SELECT sum((x.line ->> 'participants')::bigint)::bigint FROM headers x),
	           'tickets_total', (SELECT sum((x.line ->> 'tickets_total')::numeric)::text FROM headers x)))::text
	FROM (SELECT line FROM headers LIMIT 1) h
	UNION ALL
	(SELECT l.line::text FROM lines l WHERE l.line ? 'entry'
	 ORDER BY (l.line -> 'entry' ->> 'ref')::uuid)
	UNION ALL
	(SELECT l.line::text FROM lines l WHERE l.line ? 'result'
	 ORDER BY (l.line -> 'result' ->> 'place')::bigint)
$$;
COMMENT ON FUNCTION promo_draw.draw_record_rows(bigint) IS
	'the public record of a drawn draw as JSON Lines (a header, then its entries by reference, then its results by place), for COPY; no customer id, nothing before the draw';
