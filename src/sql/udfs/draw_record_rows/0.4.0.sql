/*
 * The public record of a drawn draw (doc/record-format.md, format 1): its
 * rules, prize table, times, digests and revealed seed or beacon, every
 * participating entry by its reference (never a customer id), and every
 * result.  Anyone can check the whole draw from it offline
 * (tools/verify-draw, tools/verify-draw.html).  draw_record_rows gives it
 * as JSON Lines, one line per entry and per result, for COPY of draws too
 * large for one jsonb; draw_record gives it as one document.
 *
 * Nothing secret leaves before the draw has run (PD043); draws sealed
 * before 0.4.0 (digest version 1) committed to customer ids, not
 * references, so they cannot be published without them: verify_draw
 * checks those in the operator's database.
 */
CREATE FUNCTION promo_draw.record_time(t timestamptz) RETURNS text
	LANGUAGE sql STABLE PARALLEL SAFE
	RETURN to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');
COMMENT ON FUNCTION promo_draw.record_time(timestamptz) IS
	'a time as a draw''s record writes it: ISO 8601 in UTC, with microseconds';

CREATE FUNCTION promo_draw.draw_record_rows(draw_id bigint) RETURNS SETOF text
	LANGUAGE plpgsql STABLE STRICT SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v promo_draw.draw%ROWTYPE;
BEGIN
	SELECT * INTO v FROM promo_draw.draw d WHERE d.draw_id = draw_record_rows.draw_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'draw % does not exist', draw_record_rows.draw_id USING ERRCODE = 'PD001';
	ELSIF v.status <> 'drawn' THEN
		RAISE EXCEPTION 'draw % has no record yet', draw_record_rows.draw_id
			USING ERRCODE = 'PD043',
			      DETAIL = format('It is %s: its record, which reveals its tickets, is made once it has been drawn.', v.status);
	ELSIF v.purged_at IS NOT NULL THEN
		RAISE EXCEPTION 'draw % was purged', draw_record_rows.draw_id
			USING ERRCODE = 'PD043',
			      DETAIL = format('Its entries and results were removed at %s; its record then had the sha256 %s.',
			                      v.purged_at, coalesce(encode(v.record_digest, 'hex'), 'of none')),
			      HINT = 'Check the record archived before the purge against record_digest.';
	ELSIF v.digest_version IS DISTINCT FROM 2 THEN
		RAISE EXCEPTION 'draw % was drawn before public records existed', draw_record_rows.draw_id
			USING ERRCODE = 'PD043',
			      DETAIL = 'Its digest commits to customer ids, not to entry references, so it cannot be published without them.',
			      HINT = 'verify_draw() checks it in this database.';
	END IF;

	-- the header: everything but the entries and the results
	RETURN NEXT json_build_object(
		'record', 'promo_draw draw record', 'format', 1,
		'draw_id', v.draw_id, 'name', v.name,
		'kind', CASE WHEN v.sealed THEN 'sealed' ELSE 'seeded' END,
		'rules', json_build_object(
			'max_wins_per_customer', v.max_wins_per_customer,
			'requires_opt_in', v.requires_opt_in,
			'default_prize', v.default_prize,
			'lose_message', v.lose_message,
			'eligibility', CASE WHEN v.eligibility IS NOT NULL THEN v.eligibility_identity END,
			'stake_per_ticket', v.stake_per_ticket::text,
			'min_stake', v.min_stake::text,
			'max_tickets_per_customer', v.max_tickets_per_customer,
			'milestones', v.milestones,
			'partitions', v.partitions),
		'times', json_build_object(
			'created_at', promo_draw.record_time(v.created_at),
			'opens_at', promo_draw.record_time(v.opens_at),
			'closes_at', promo_draw.record_time(v.closes_at),
			'draw_at', promo_draw.record_time(v.draw_at),
			'ready_at', promo_draw.record_time(v.ready_at),
			'sealed_at', promo_draw.record_time(v.sealed_at),
			'seal_committed_at', promo_draw.record_time(v.seal_committed_at),
			'beacon_due_at', promo_draw.record_time(v.beacon_due_at),
			'beacon_at', promo_draw.record_time(v.beacon_at),
			'drawn_at', promo_draw.record_time(v.drawn_at)),
		'seed_hash', encode(v.seed_hash, 'hex'),
		'seed', (SELECT encode(s.seed, 'hex') FROM promo_draw.draw_secret s WHERE s.draw_id = v.draw_id),
		'beacon_source', v.beacon_source,
		'beacon', encode(v.beacon, 'hex'),
		'beacon_reference', v.beacon_reference,
		'digest_version', v.digest_version,
		'entry_digest', encode(v.entry_digest, 'hex'),
		'prize_digest', encode(v.prize_digest, 'hex'),
		'participants', v.participants,
		'tickets_total', v.tickets_total::text,
		'prizes', coalesce((SELECT json_agg(json_build_object('prize_id', p.prize_id, 'name', p.name,
		                                                      'value', p.value::text, 'quantity', p.quantity,
		                                                      'payload', p.payload::text)
		                                    ORDER BY p.value DESC, p.prize_id)
		                    FROM promo_draw.prize p WHERE p.draw_id = v.draw_id), '[]'))::text;

	-- the participating entries, by reference, a seeded draw's with their
	-- best tickets; then the results, by place.  Written as text: every
	-- value here is a number, a uuid, a uuid array or one of the four
	-- outcomes, which need no escaping, and this is several times faster
	-- than building JSON values (bench/RESULTS.md "draw_record").
	RETURN QUERY
	SELECT '{"entry" : {"ref" : "' || e.entry_ref::text || '", "tickets" : ' || e.tickets::text
	       || CASE WHEN v.sealed THEN '}}' ELSE ', "best" : ' || array_to_json(e.best)::text || '}}' END
	FROM promo_draw.entry e
	WHERE e.draw_id = v.draw_id AND e.tickets > 0 AND (e.opted_in OR NOT v.requires_opt_in)
	ORDER BY e.entry_ref;

	RETURN QUERY
	SELECT '{"result" : {"place" : ' || r.place::text || ', "ref" : "' || r.entry_ref::text
	       || '", "ticket" : "' || r.ticket::text || '", "prize_id" : ' || coalesce(r.prize_id::text, 'null')
	       || ', "outcome" : "' || r.outcome || '"}}'
	FROM promo_draw.result r
	WHERE r.draw_id = v.draw_id
	ORDER BY r.place;
END
$$;
COMMENT ON FUNCTION promo_draw.draw_record_rows(bigint) IS
	'the public record of a drawn draw as JSON Lines (a header, then its entries by reference, then its results by place), for COPY; no customer id, nothing before the draw';
