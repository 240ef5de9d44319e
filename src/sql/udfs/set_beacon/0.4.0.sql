CREATE FUNCTION promo_draw.set_beacon(draw_id bigint, value bytea, reference text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v promo_draw.draw%ROWTYPE;
BEGIN
	IF set_beacon.draw_id IS NULL OR set_beacon.value IS NULL THEN
		RAISE EXCEPTION 'draw_id and value must not be null'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF length(set_beacon.value) NOT BETWEEN 32 AND 1024 THEN
		RAISE EXCEPTION 'a beacon value must be 32 to 1024 bytes long'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = format('The value given is %s bytes long.', length(set_beacon.value)),
			      HINT = 'Give the beacon''s whole output (a drand round''s randomness is 32 bytes, a NIST pulse''s outputValue 64): a shorter value has too few possible orders of the tickets.';
	END IF;
	-- the row lock orders this with run_draw and cancel_draw
	SELECT * INTO v FROM promo_draw.draw d
	WHERE d.draw_id = set_beacon.draw_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'draw % does not exist', set_beacon.draw_id USING ERRCODE = 'PD001';
	ELSIF NOT v.sealed THEN
		RAISE EXCEPTION 'draw % is not a sealed draw', set_beacon.draw_id
			USING ERRCODE = 'PD041',
			      DETAIL = 'Its tickets are ordered by its own secret seed, committed to by seed_hash.';
	ELSIF v.beacon IS NOT NULL THEN
		RAISE EXCEPTION 'draw % already has its beacon', set_beacon.draw_id
			USING ERRCODE = 'PD041',
			      DETAIL = format('It was set at %s (%s); a beacon is taken once.',
			                      v.beacon_at, coalesce(v.beacon_reference, 'no reference given'));
	ELSIF v.status = 'cancelled' THEN
		RAISE EXCEPTION 'draw % was cancelled', set_beacon.draw_id USING ERRCODE = 'PD005';
	ELSIF v.status <> 'sealed' THEN
		RAISE EXCEPTION 'draw % is not sealed yet', set_beacon.draw_id
			USING ERRCODE = 'PD041',
			      DETAIL = 'A beacon value must be published after the entries are sealed, and this draw still takes entries.',
			      HINT = 'Wait for the seal (its NOTIFY, or draw.sealed_at), publish the digest, then take the next beacon value.';
	ELSIF v.beacon_due_at > clock_timestamp() THEN
		RAISE EXCEPTION 'the beacon of draw % is not due yet', set_beacon.draw_id
			USING ERRCODE = 'PD041',
			      DETAIL = format('It is due at %s; a value given before then cannot be the value published then.', v.beacon_due_at),
			      HINT = 'Take the beacon value published at or after beacon_due_at (for drand, the round of that time).';
	ELSIF v.seal_committed_at IS NULL AND v.beacon_due_at IS NOT NULL THEN
		RAISE EXCEPTION 'the seal of draw % has not committed', set_beacon.draw_id
			USING ERRCODE = 'PD041';
	ELSIF v.sealed_at >= now() THEN
		RAISE EXCEPTION 'draw % was sealed in this transaction', set_beacon.draw_id
			USING ERRCODE = 'PD041',
			      DETAIL = 'Its digest is not published until the seal commits, so no beacon value can come after it yet.',
			      HINT = 'Commit the seal, publish the digest, then take the next beacon value.';
	END IF;
	UPDATE promo_draw.draw d
	SET beacon = set_beacon.value, beacon_reference = set_beacon.reference,
	    beacon_at = clock_timestamp()
	WHERE d.draw_id = set_beacon.draw_id;
	PERFORM pg_notify('promo_draw',
		json_build_object('draw_id', set_beacon.draw_id, 'status', 'beacon')::text);
END
$$;
COMMENT ON FUNCTION promo_draw.set_beacon(bigint, bytea, text) IS
	'give a sealed draw the public beacon value published after its seal, once; the draw can then run';
