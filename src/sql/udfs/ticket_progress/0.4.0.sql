CREATE FUNCTION promo_draw.ticket_progress(draw_id bigint, customer_id bigint)
	RETURNS TABLE (tickets bigint, stake numeric, stake_to_next_ticket numeric, opted_in boolean,
		entry_ref uuid)
	LANGUAGE plpgsql STABLE PARALLEL SAFE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_per numeric;
	v_cap bigint;
BEGIN
	IF ticket_progress.draw_id IS NULL OR ticket_progress.customer_id IS NULL THEN
		RAISE EXCEPTION 'draw_id and customer_id must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT d.stake_per_ticket, d.max_tickets_per_customer INTO v_per, v_cap
	FROM promo_draw.draw d WHERE d.draw_id = ticket_progress.draw_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'draw % does not exist', ticket_progress.draw_id USING ERRCODE = 'PD001';
	END IF;
	RETURN QUERY
	SELECT coalesce(e.tickets, 0), coalesce(e.stake, 0),
	       CASE WHEN v_per IS NULL THEN NULL
	            WHEN coalesce(e.tickets, 0) >= v_cap THEN 0::numeric
	            ELSE promo_draw.stake_to_next_ticket(coalesce(e.stake, 0), v_per) END,
	       coalesce(e.opted_in, false),
	       coalesce(e.entry_ref, promo_draw.entry_ref(ticket_progress.draw_id, ticket_progress.customer_id))
	FROM (VALUES (1)) AS one(x)
	LEFT JOIN promo_draw.entry e
	       ON e.draw_id = ticket_progress.draw_id AND e.customer_id = ticket_progress.customer_id;
END
$$;
COMMENT ON FUNCTION promo_draw.ticket_progress(bigint, bigint) IS
	'a customer''s tickets, stake, stake still needed for the next ticket (0 when capped, NULL without a stake rule), opt-in, and entry reference (their name in the draw''s public record)';
