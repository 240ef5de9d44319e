CREATE FUNCTION promo_draw.shard_publish_draw(draw_id bigint, token uuid, staged bigint[],
	entry_digest bytea)
RETURNS TABLE (node integer, results bigint)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	v_id bigint := shard_publish_draw.draw_id;
	v_node integer := (SELECT s.node FROM promo_draw.shard_node s);
	v_want bigint := coalesce(shard_publish_draw.staged[v_node + 1], 0);
	v promo_draw.draw%ROWTYPE;
	v_have bigint;
	v_messages regclass;
BEGIN
	SELECT * INTO v FROM promo_draw.draw d WHERE d.draw_id = v_id;
	IF v_id IS NULL OR shard_publish_draw.token IS NULL OR shard_publish_draw.staged IS NULL THEN
		RAISE EXCEPTION 'draw_id, token and staged must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF NOT v.sealed AND shard_publish_draw.entry_digest IS NULL THEN
		RAISE EXCEPTION 'a seeded draw is published with the digest of its entries' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF promo_draw_shard.shard_draw_begin(v_id) = 'drawn' THEN
		RETURN QUERY SELECT v_node, count(*) FROM promo_draw.result r WHERE r.draw_id = v_id;
		RETURN;
	END IF;
	SELECT count(*) INTO v_have FROM promo_draw.staged_result r
	WHERE r.draw_id = v_id AND r.token = shard_publish_draw.token;
	IF v_have <> v_want OR EXISTS (SELECT FROM promo_draw.staged_result r
	                               WHERE r.draw_id = v_id AND r.token <> shard_publish_draw.token) THEN
		RAISE EXCEPTION 'the staged results of draw % on node % are not those of this run', v_id, v_node
			USING ERRCODE = 'PD050',
			      DETAIL = format('%s rows are staged under this run''s token, where %s were sent.', v_have, v_want),
			      HINT = 'Another run_draw of the same draw on another proxy restaged them; run it again.';
	END IF;
	v_messages := pg_get_serial_sequence('promo_draw.outbox', 'notification_id')::regclass;

	-- each result but 'ineligible' is the customer's message, as run_draw writes it
	INSERT INTO promo_draw.result (draw_id, place, customer_id, ticket, prize_id, outcome,
	                               notification_id, entry_ref)
	SELECT r.draw_id, r.place, r.customer_id, r.ticket, r.prize_id, r.outcome,
	       CASE WHEN r.outcome <> 'ineligible'
	            THEN nextval(v_messages) END, r.entry_ref
	FROM promo_draw.staged_result r WHERE r.draw_id = v_id ORDER BY r.place;
	IF EXISTS (SELECT FROM promo_draw.result r WHERE r.draw_id = v_id AND r.notification_id IS NOT NULL) THEN
		INSERT INTO promo_draw.outcome_delivery (draw_id) VALUES (v_id);
	END IF;
	DELETE FROM promo_draw.staged_result r WHERE r.draw_id = v_id;

	-- the digests: a seeded draw's entries (of every node, digested by the
	-- proxy), and the prize table, which every node holds whole
	UPDATE promo_draw.draw d SET status = 'drawn', drawn_at = now(),
		participants = e.participants, tickets_total = e.tickets,
		entry_digest = coalesce(d.entry_digest, shard_publish_draw.entry_digest),
		digest_version = coalesce(d.digest_version, 2),
		prize_digest = coalesce(d.prize_digest, promo_draw.prize_digest(v_id))
	FROM (SELECT count(*) AS participants, coalesce(sum(e.tickets), 0)::numeric AS tickets
	      FROM promo_draw.entry e
	      WHERE e.draw_id = v_id AND e.tickets > 0 AND (e.opted_in OR NOT v.requires_opt_in)) e
	WHERE d.draw_id = v_id;
	PERFORM pg_notify('promo_draw', jsonb_build_object('draw_id', v_id, 'status', 'drawn',
	                                                   'results', v_have)::text);
	RETURN QUERY SELECT v_node, v_have;
END
$$;
COMMENT ON FUNCTION promo_draw.shard_publish_draw(bigint, uuid, bigint[], bytea) IS
	'publish a sharded draw on this node: its staged results, their messages, status drawn with the digests and one NOTIFY; a drawn draw changes nothing';
