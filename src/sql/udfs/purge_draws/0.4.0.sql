/*
 * Retention.  purge_draws removes what a draw that ran (or was cancelled)
 * longer ago than older_than holds per customer: its entries, results,
 * partition marks, delivered messages and their leases.  Its row stays,
 * with its rules, prizes, totals and digests, and with record_digest, the
 * sha256 of its public record as it was, so the archived record still
 * proves the draw (doc/operations.md "Retention").  A draw with a message not yet
 * delivered is left for a later run.  Each draw is purged under its own
 * lock, skipping one another session holds; ingest of running draws is
 * not held up.  purge_messages removes delivered outbox messages older
 * than older_than (those of draws too).  Space is reused by later rows
 * once autovacuum has passed; VACUUM FULL or pg_repack returns it to the
 * operating system.
 */
CREATE FUNCTION promo_draw.purge_draws(older_than interval)
RETURNS TABLE (draw_id bigint, entries bigint, results bigint, messages bigint, record_digest bytea)
LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	v record;
	v_digest bytea;
BEGIN
	IF older_than < interval '0' THEN
		RAISE EXCEPTION 'older_than must not be negative'
			USING ERRCODE = 'invalid_parameter_value', DETAIL = format('older_than was %s.', older_than);
	END IF;
	FOR v IN
		SELECT d.draw_id, d.status, d.digest_version FROM promo_draw.draw d
		WHERE d.purged_at IS NULL
		  AND ((d.status = 'drawn' AND d.drawn_at < now() - older_than)
		       OR (d.status = 'cancelled' AND d.cancelled_at < now() - older_than))
		ORDER BY d.draw_id
		FOR UPDATE SKIP LOCKED
	LOOP
		IF EXISTS (SELECT FROM promo_draw.result r
		           WHERE r.draw_id = v.draw_id AND r.notification_id IS NOT NULL AND r.delivered_at IS NULL)
		   OR EXISTS (SELECT FROM promo_draw.outbox o
		              WHERE o.draw_id = v.draw_id AND o.delivered_at IS NULL) THEN
			RAISE NOTICE 'draw % is kept: some of its messages have not been delivered', v.draw_id;
			CONTINUE;
		END IF;
		v_digest := CASE WHEN v.status = 'drawn' AND v.digest_version = 2
		                 THEN sha256(convert_to(promo_draw.draw_record(v.draw_id)::text, 'UTF8')) END;
		draw_id := v.draw_id;
		record_digest := v_digest;
		DELETE FROM promo_draw.message_lease l
		WHERE l.draw_id = v.draw_id
		   OR l.notification_id IN (SELECT o.notification_id FROM promo_draw.outbox o WHERE o.draw_id = v.draw_id);
		DELETE FROM promo_draw.outbox o WHERE o.draw_id = v.draw_id;
		GET DIAGNOSTICS messages = ROW_COUNT;
		DELETE FROM promo_draw.result r WHERE r.draw_id = v.draw_id;
		GET DIAGNOSTICS results = ROW_COUNT;
		DELETE FROM promo_draw.entry e WHERE e.draw_id = v.draw_id;
		GET DIAGNOSTICS entries = ROW_COUNT;
		DELETE FROM promo_draw.partition_mark m WHERE m.draw_id = v.draw_id;
		DELETE FROM promo_draw.outcome_delivery od WHERE od.draw_id = v.draw_id;
		DELETE FROM promo_draw.staged_result s WHERE s.draw_id = v.draw_id;
		UPDATE promo_draw.draw d SET purged_at = now(), record_digest = v_digest
		WHERE d.draw_id = v.draw_id;
		RETURN NEXT;
	END LOOP;
END
$$;
COMMENT ON FUNCTION promo_draw.purge_draws(interval) IS
	'remove the entries, results and messages of draws drawn or cancelled longer ago than older_than, keeping each draw''s row, prizes, digests and the digest of its record; one row per draw purged';

CREATE FUNCTION promo_draw.purge_messages(older_than interval) RETURNS bigint
LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_count bigint;
BEGIN
	IF older_than < interval '0' THEN
		RAISE EXCEPTION 'older_than must not be negative'
			USING ERRCODE = 'invalid_parameter_value', DETAIL = format('older_than was %s.', older_than);
	END IF;
	WITH gone AS (
		DELETE FROM promo_draw.outbox o WHERE o.delivered_at < now() - older_than
		RETURNING o.notification_id
	), leases AS (
		DELETE FROM promo_draw.message_lease l USING gone g WHERE l.notification_id = g.notification_id
	)
	SELECT count(*) INTO v_count FROM gone;
	RETURN v_count;
END
$$;
COMMENT ON FUNCTION promo_draw.purge_messages(interval) IS
	'remove outbox messages delivered longer ago than older_than; returns how many';
