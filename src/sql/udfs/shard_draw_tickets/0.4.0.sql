CREATE FUNCTION promo_draw.shard_draw_tickets(draw_id bigint, part integer DEFAULT 0,
	parts integer DEFAULT 1)
RETURNS TABLE (ticket uuid, customer_id bigint, rank integer, tickets bigint, entry_ref uuid)
LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_opt_in boolean;
BEGIN
	IF parts < 1 OR part < 0 OR part >= parts THEN
		RAISE EXCEPTION 'part % of % does not exist', part, parts
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'parts is at least 1, and part is from 0 to parts - 1.';
	END IF;
	IF promo_draw_shard.shard_draw_begin(shard_draw_tickets.draw_id) = 'drawn' THEN
		RAISE EXCEPTION 'draw % has already been drawn on this node', shard_draw_tickets.draw_id
			USING ERRCODE = 'PD003';
	END IF;
	SELECT d.requires_opt_in INTO v_opt_in FROM promo_draw.draw d
	WHERE d.draw_id = shard_draw_tickets.draw_id;
	RETURN QUERY
	SELECT b.ticket, e.customer_id, b.rank::integer, e.tickets, e.entry_ref
	FROM promo_draw.entry e, unnest(e.best) WITH ORDINALITY AS b(ticket, rank)
	WHERE e.draw_id = shard_draw_tickets.draw_id AND e.tickets > 0 AND (e.opted_in OR NOT v_opt_in)
	  AND (parts = 1 OR (e.customer_id % parts + parts) % parts = part);
END
$$;
COMMENT ON FUNCTION promo_draw.shard_draw_tickets(bigint, integer, integer) IS
	'the best tickets of this node''s participants in a ready draw (of those in part part of parts), with their ticket counts and entry references, for the proxy to merge; only once the draw is ready, when no more tickets can come';
