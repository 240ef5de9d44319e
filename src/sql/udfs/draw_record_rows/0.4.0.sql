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

-- the header line: everything but the entries and the results; nothing for
-- a draw not drawn (its seed is secret).  draw_record_rows calls it.
CREATE FUNCTION promo_draw.draw_record_header(draw_id bigint) RETURNS text
	LANGUAGE sql STABLE STRICT
	SET search_path = pg_catalog, pg_temp
AS $$
	SELECT json_build_object(
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
		                    FROM promo_draw.prize p WHERE p.draw_id = v.draw_id), '[]'))::text
	FROM promo_draw.draw v
	WHERE v.draw_id = draw_record_header.draw_id AND v.status = 'drawn'
$$;
COMMENT ON FUNCTION promo_draw.draw_record_header(bigint) IS
	'the header line of a drawn draw''s public record (draw_record_rows writes the entries and results after it)';

CREATE FUNCTION promo_draw.draw_record_rows(draw_id bigint) RETURNS SETOF text
	AS 'MODULE_PATHNAME', 'draw_record_rows'
	LANGUAGE C STABLE STRICT SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION promo_draw.draw_record_rows(bigint) IS
	'the public record of a drawn draw as JSON Lines (a header, then its entries by reference, then its results by place), for COPY; no customer id, nothing before the draw';
