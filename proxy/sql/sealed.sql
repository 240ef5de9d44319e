
/*
 * Sealed draws on a sharded deployment.
 *
 * The seal covers every node's entries: the proxy reads each node's
 * participants once the draw is ready, computes the entry digest exactly as
 * one node holding them all would (README, "Sealed draws"), and seals every
 * node with it.  The beacon goes to every node.  run_draw merges the
 * nodes' keys (proxy/sql/draws.sql); each node computes its customers' keys
 * from the beacon and the common digest, so the order is the single
 * node's.
 */

-- the entry digest of a sealed draw over the participants given
CREATE FUNCTION promo_draw_proxy.sealed_digest(for_draw bigint, customer_ids bigint[], tickets bigint[])
RETURNS bytea
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT sha256(convert_to('promo_draw sealed draw v1', 'UTF8') || int8send(d.draw_id)
	              || promo_draw.digest_text(d.beacon_source) || int8send(d.max_wins_per_customer::bigint)
	              || promo_draw.digest_text(d.default_prize)
	              || promo_draw.digest_text(CASE WHEN d.eligibility IS NOT NULL THEN d.eligibility_identity END)
	              || int8send(pz.n) || pz.bytes
	              || coalesce((SELECT string_agg(int8send(x.c) || int8send(x.t), ''::bytea ORDER BY x.c)
	                           FROM unnest(customer_ids, tickets) AS x(c, t)), ''::bytea))
	FROM promo_draw_proxy.draw_rows(for_draw) d, LATERAL (
		SELECT count(*) AS n,
		       coalesce(string_agg(int8send(p.prize_id) || promo_draw.digest_text(p.name)
		                           || promo_draw.digest_text(p.value::text) || int8send(p.quantity::bigint),
		                           ''::bytea ORDER BY p.value DESC, p.prize_id), ''::bytea) AS bytes
		FROM promo_draw_proxy.prize_rows(for_draw) p
	) pz
	WHERE d.node = 0
$$;
COMMENT ON FUNCTION promo_draw_proxy.sealed_digest(bigint, bigint[], bigint[]) IS
	'the entry digest of a sealed draw over the participants given (customer ids and ticket counts)';

-- the exact key of a customer's j-th ticket of n: what a node computes in
-- numeric for near ties, as verify_draw defines it
CREATE FUNCTION promo_draw_proxy.exact_key(beacon bytea, digest bytea, customer_id bigint,
	j integer, n bigint)
RETURNS numeric
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
	SELECT sum(-ln((2 * x + 1) * 0.00000000000000000002710505431213761085018632002174854278564453125)
	           / (n - i + 1))
	FROM generate_series(1, j) i,
	     LATERAL hmac(digest || int8send(customer_id) || int8send(i::bigint), beacon, 'sha256') h,
	     LATERAL (SELECT ('x' || encode(substr(h, 1, 8), 'hex'))::bit(64)::bigint::numeric
	                     + CASE WHEN get_byte(h, 0) >= 128 THEN 18446744073709551616 ELSE 0 END) AS b(x);
END;
COMMENT ON FUNCTION promo_draw_proxy.exact_key(bytea, bytea, bigint, integer, bigint) IS
	'the exact key of ticket j of a customer holding n tickets in a sealed draw, in numeric';

CREATE FUNCTION promo_draw.seal_draw(draw_id bigint) RETURNS bytea
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_nodes integer := promo_draw_proxy.check_nodes();
	v promo_draw_proxy.draw_row;
	v_known integer;
	v_digest bytea;
BEGIN
	IF seal_draw.draw_id IS NULL THEN
		RAISE EXCEPTION 'draw_id must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT * INTO v FROM promo_draw_proxy.draw_rows(seal_draw.draw_id) d WHERE d.node = 0;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'draw % does not exist', seal_draw.draw_id USING ERRCODE = 'PD001';
	ELSIF NOT v.sealed THEN
		RAISE EXCEPTION 'draw % is not a sealed draw', seal_draw.draw_id
			USING ERRCODE = 'PD041',
			      DETAIL = 'Its tickets are ordered by its own secret seed, committed to by seed_hash.';
	END IF;
	SELECT count(*) INTO v_known FROM promo_draw_proxy.draw_rows(seal_draw.draw_id) d
	WHERE d.entry_digest IS NOT DISTINCT FROM v.entry_digest;
	IF v.entry_digest IS NOT NULL AND v_known = v_nodes THEN
		RETURN v.entry_digest;
	END IF;
	-- every node's participants (each node waits for its ingest in flight
	-- and refuses if the draw is not ready there), digested together
	SELECT promo_draw_proxy.sealed_digest(seal_draw.draw_id, array_agg(e.customer_id ORDER BY e.customer_id),
	                                      array_agg(e.tickets ORDER BY e.customer_id))
	INTO v_digest
	FROM promo_draw_proxy.sealed_entries_on_all(seal_draw.draw_id) e;
	PERFORM count(*) FROM promo_draw_proxy.seal_draw_on_all(seal_draw.draw_id, v_digest);
	RETURN v_digest;
END
$$;
COMMENT ON FUNCTION promo_draw.seal_draw(bigint) IS
	'seal a ready sealed draw on every node with the digest of all their entries; returns the digest (again: the same)';

CREATE FUNCTION promo_draw.set_beacon(draw_id bigint, value bytea, reference text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_nodes integer := promo_draw_proxy.check_nodes();
	v_missing integer[];
	v_other integer;
	v_rows integer;
BEGIN
	SELECT count(*), array_agg(d.node ORDER BY d.node) FILTER (WHERE d.beacon IS NULL),
	       min(d.node) FILTER (WHERE d.beacon IS DISTINCT FROM set_beacon.value AND d.beacon IS NOT NULL)
	INTO v_rows, v_missing, v_other
	FROM promo_draw_proxy.draw_rows(set_beacon.draw_id) d;
	IF set_beacon.draw_id IS NULL OR set_beacon.value IS NULL OR v_rows < v_nodes
	   OR v_other IS NOT NULL OR v_missing IS NULL THEN
		-- node 0 (or the node holding another beacon) gives the error one node would
		PERFORM promo_draw_proxy.set_beacon_on(coalesce(v_other, 0), set_beacon.draw_id,
		                                       set_beacon.value, set_beacon.reference);
		RETURN;
	END IF;
	FOREACH v_other IN ARRAY v_missing LOOP
		PERFORM promo_draw_proxy.set_beacon_on(v_other, set_beacon.draw_id, set_beacon.value,
		                                       set_beacon.reference);
	END LOOP;
END
$$;
COMMENT ON FUNCTION promo_draw.set_beacon(bigint, bytea, text) IS
	'give a sealed draw its beacon value on every node, once, after the seal; a node that missed it gets it again';
