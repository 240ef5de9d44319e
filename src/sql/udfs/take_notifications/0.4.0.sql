/*
 * take_notifications: the next undelivered messages, in notification_id
 * order, from the outbox and from the drawn draws' results.  Outbox rows
 * and results are locked one by one (SKIP LOCKED), so consumers taking at
 * once share a draw's messages and never get the same one.  A draw's
 * outcome_delivery row says from which place its undelivered messages may
 * start; it only ever moves up to the first message not handed out, and a
 * consumer moves it only when no other holds it.  Messages leased by
 * lease_messages are left to their holder.
 */
CREATE FUNCTION promo_draw.take_notifications(max_count integer DEFAULT 100)
	RETURNS SETOF promo_draw.notification
	LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	RETURN QUERY
	WITH outbox_next AS (
		SELECT o.notification_id FROM promo_draw.outbox o
		WHERE o.delivered_at IS NULL
		  AND NOT EXISTS (SELECT FROM promo_draw.message_lease l
		                  WHERE l.notification_id = o.notification_id AND l.leased_until > now())
		ORDER BY o.notification_id
		LIMIT max_count
		FOR UPDATE SKIP LOCKED
	), draw_next AS (
		SELECT r.notification_id, r.draw_id, r.place
		FROM promo_draw.outcome_delivery od, LATERAL (
			SELECT r.notification_id, r.draw_id, r.place FROM promo_draw.result r
			WHERE r.draw_id = od.draw_id AND r.place >= od.next_place
			  AND r.notification_id IS NOT NULL AND r.delivered_at IS NULL
			  AND NOT EXISTS (SELECT FROM promo_draw.message_lease l
			                  WHERE l.notification_id = r.notification_id AND l.leased_until > now())
			ORDER BY r.place
			LIMIT max_count
			FOR UPDATE SKIP LOCKED) r
	), picked AS (
		SELECT x.notification_id, x.draw_id, x.place
		FROM (SELECT o.notification_id, NULL::bigint AS draw_id, NULL::bigint AS place
		      FROM outbox_next o
		      UNION ALL
		      SELECT * FROM draw_next) x
		ORDER BY x.notification_id
		LIMIT max_count
	), from_outbox AS (
		UPDATE promo_draw.outbox o SET delivered_at = now()
		FROM picked p
		WHERE p.place IS NULL AND o.notification_id = p.notification_id
		RETURNING o.*
	), from_results AS (
		UPDATE promo_draw.result r SET delivered_at = now()
		FROM picked p
		WHERE p.place IS NOT NULL AND r.draw_id = p.draw_id AND r.place = p.place
		RETURNING r.*
	)
	SELECT n.* FROM (
		SELECT o.notification_id, o.customer_id, o.draw_id, o.kind, o.payload, o.created_at,
		       o.delivered_at
		FROM from_outbox o
		UNION ALL
		SELECT r.notification_id, r.customer_id, r.draw_id, r.outcome,
		       promo_draw.outcome_payload(r.outcome, r.place, d.name, d.default_prize,
		                                  d.lose_message, p.name, p.prize_id, p.value, p.payload,
		                                  r.entry_ref),
		       d.drawn_at, r.delivered_at
		FROM from_results r
		JOIN promo_draw.draw d ON d.draw_id = r.draw_id
		LEFT JOIN promo_draw.prize p ON p.prize_id = r.prize_id) n
	ORDER BY n.notification_id;

	-- Move the rows of the draws no other consumer holds now (the others'
	-- stay where they are), up to the first message still undelivered as
	-- this transaction sees it, which counts what other consumers hold and
	-- have not committed; a draw with none left needs no row any more.
	WITH mark AS (
		SELECT l.draw_id,
		       (SELECT min(r.place) FROM promo_draw.result r
		        WHERE r.draw_id = l.draw_id AND r.place >= l.next_place
		          AND r.notification_id IS NOT NULL AND r.delivered_at IS NULL) AS next_place
		FROM promo_draw.outcome_delivery l
		-- only the draws whose place no longer holds a waiting message
		WHERE NOT EXISTS (SELECT FROM promo_draw.result r
		                  WHERE r.draw_id = l.draw_id AND r.place = l.next_place
		                    AND r.notification_id IS NOT NULL AND r.delivered_at IS NULL)
		FOR UPDATE SKIP LOCKED
	), done AS (
		DELETE FROM promo_draw.outcome_delivery od USING mark m
		WHERE od.draw_id = m.draw_id AND m.next_place IS NULL
	)
	UPDATE promo_draw.outcome_delivery od SET next_place = m.next_place
	FROM mark m
	WHERE od.draw_id = m.draw_id AND m.next_place > od.next_place;
END
$$;
COMMENT ON FUNCTION promo_draw.take_notifications(integer) IS
	'hand out up to max_count undelivered customer messages in notification_id order and mark them delivered; concurrent consumers never get the same one';
