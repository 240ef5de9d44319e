/*
 * Customer messages for consumers that hold no transaction open, in the
 * manner of a queue with a visibility timeout: lease_messages hands out up
 * to max_count undelivered messages (of the given kinds, of one draw) that
 * nobody holds, each held for lease; ack_messages marks messages
 * delivered.  A message whose lease expires unacknowledged is handed out
 * again, so a consumer that dies between the two loses nothing; two
 * consumers never hold one message at once (the lease row is taken with
 * INSERT ... ON CONFLICT, on its latest version); acknowledging twice, or
 * after the lease expired, is harmless.  Delivery is at least once: a
 * consumer whose lease expired before its acknowledgement may see its
 * message handed to another; make handling idempotent by notification_id.
 * Each call is a transaction of its own (autocommit, or through a pooler).
 */
CREATE FUNCTION promo_draw.lease_messages(max_count integer DEFAULT 100,
	lease interval DEFAULT '30 seconds', kinds text[] DEFAULT NULL, for_draw bigint DEFAULT NULL,
	consumer text DEFAULT NULL)
RETURNS TABLE (notification_id bigint, customer_id bigint, draw_id bigint, kind text,
	payload jsonb, created_at timestamptz, leased_until timestamptz)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	v_draw bigint := lease_messages.for_draw;
	v_kinds text[] := lease_messages.kinds;
BEGIN
	IF max_count IS NULL OR max_count < 1 OR max_count > 10000 THEN
		RAISE EXCEPTION 'max_count must be between 1 and 10000'
			USING ERRCODE = 'invalid_parameter_value', DETAIL = format('max_count was %s.', max_count);
	END IF;
	IF lease IS NULL OR lease <= interval '0' OR lease > interval '1 day' THEN
		RAISE EXCEPTION 'a lease must be longer than 0 and at most a day'
			USING ERRCODE = 'invalid_parameter_value', DETAIL = format('lease was %s.', lease);
	END IF;

	RETURN QUERY
	WITH candidates AS (
		(SELECT o.notification_id, NULL::bigint AS draw_id, NULL::bigint AS place
		 FROM promo_draw.outbox o
		 WHERE o.delivered_at IS NULL
		   AND (v_kinds IS NULL OR o.kind = ANY (v_kinds))
		   AND (v_draw IS NULL OR o.draw_id = v_draw)
		   AND NOT EXISTS (SELECT FROM promo_draw.message_lease l
		                   WHERE l.notification_id = o.notification_id AND l.leased_until > clock_timestamp())
		 ORDER BY o.notification_id
		 LIMIT max_count)
		UNION ALL
		(SELECT r.notification_id, r.draw_id, r.place
		 FROM promo_draw.outcome_delivery od, LATERAL (
			SELECT r.notification_id, r.draw_id, r.place FROM promo_draw.result r
			WHERE r.draw_id = od.draw_id AND r.place >= od.next_place
			  AND r.notification_id IS NOT NULL AND r.delivered_at IS NULL
			  AND (v_kinds IS NULL OR r.outcome = ANY (v_kinds))
			  AND NOT EXISTS (SELECT FROM promo_draw.message_lease l
			                  WHERE l.notification_id = r.notification_id AND l.leased_until > clock_timestamp())
			ORDER BY r.place
			LIMIT max_count) r
		 WHERE v_draw IS NULL OR od.draw_id = v_draw)
	), picked AS (
		SELECT c.* FROM candidates c ORDER BY c.notification_id LIMIT max_count
	), leased AS (
		INSERT INTO promo_draw.message_lease AS l (notification_id, draw_id, place, leased_until, consumer)
		SELECT p.notification_id, p.draw_id, p.place, clock_timestamp() + lease, lease_messages.consumer
		FROM picked p
		ON CONFLICT (notification_id) DO UPDATE
			SET leased_until = excluded.leased_until, consumer = excluded.consumer
			WHERE l.leased_until <= clock_timestamp()
		RETURNING l.notification_id, l.draw_id, l.place, l.leased_until
	)
	SELECT m.* FROM (
		SELECT o.notification_id, o.customer_id, o.draw_id, o.kind, o.payload, o.created_at, l.leased_until
		FROM leased l JOIN promo_draw.outbox o ON o.notification_id = l.notification_id
		WHERE l.place IS NULL
		UNION ALL
		SELECT r.notification_id, r.customer_id, r.draw_id, r.outcome,
		       promo_draw.outcome_payload(r.outcome, r.place, d.name, d.default_prize,
		                                  d.lose_message, p.name, p.prize_id, p.value, p.payload,
		                                  r.entry_ref),
		       d.drawn_at, l.leased_until
		FROM leased l
		JOIN promo_draw.result r ON r.draw_id = l.draw_id AND r.place = l.place
		JOIN promo_draw.draw d ON d.draw_id = r.draw_id
		LEFT JOIN promo_draw.prize p ON p.prize_id = r.prize_id
		WHERE l.place IS NOT NULL) m
	ORDER BY m.notification_id;
END
$$;
COMMENT ON FUNCTION promo_draw.lease_messages(integer, interval, text[], bigint, text) IS
	'hand out up to max_count undelivered customer messages nobody holds (of kinds, of draw for_draw), each held for lease; acknowledge them with ack_messages';

CREATE FUNCTION promo_draw.ack_messages(notification_ids bigint[]) RETURNS bigint
LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_outbox bigint;
	v_results bigint;
BEGIN
	UPDATE promo_draw.outbox o SET delivered_at = now()
	WHERE o.notification_id = ANY (notification_ids) AND o.delivered_at IS NULL;
	GET DIAGNOSTICS v_outbox = ROW_COUNT;
	UPDATE promo_draw.result r SET delivered_at = now()
	FROM promo_draw.message_lease l
	WHERE l.notification_id = ANY (notification_ids) AND l.place IS NOT NULL
	  AND r.draw_id = l.draw_id AND r.place = l.place AND r.delivered_at IS NULL;
	GET DIAGNOSTICS v_results = ROW_COUNT;
	-- an acknowledged message is never leased again
	UPDATE promo_draw.message_lease l SET leased_until = 'infinity'
	WHERE l.notification_id = ANY (notification_ids);
	RETURN v_outbox + v_results;
END
$$;
COMMENT ON FUNCTION promo_draw.ack_messages(bigint[]) IS
	'mark leased messages delivered; returns how many were not delivered before (acknowledging twice is harmless)';
