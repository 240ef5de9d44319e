/*
 * run_draw: the draw of every node's customers together, exactly as one
 * node holding all the entries would draw it.
 *
 * 1. Every node must answer.  If the draw is drawn on every node, its
 *    stored results are returned; if on some nodes only, an earlier run
 *    stopped while publishing: the other nodes publish what that run
 *    staged (step 4), which is the same draw.
 * 2. Every node gives its participants' best tickets (they are frozen:
 *    the draw is ready, so no node takes tickets any more).  The proxy
 *    orders them as run_draw does, best ticket first, ties by entry
 *    reference (by customer for a draw sealed before 0.4.0), and walks
 *    them against the prize table with the walk of a node's run_draw
 *    (walk_prizes, in promo_draw's library): a repeat is ignored,
 *    max_wins_per_customer, the eligibility function asked on the
 *    customer's node, and a consolation result (default prize or lose
 *    message) at the best ticket of everyone who won nothing.  The
 *    default prize's winners are asked afterwards, a node at a time.
 * 3. Each node stages its customers' results under this run's token.  A
 *    seeded draw's entries are digested here, over every node, by the
 *    node's digest (seeded_digest, in promo_draw's library).
 * 4. Only then does each node publish: results, messages, status drawn
 *    and its NOTIFY, in one transaction of its own.  A node that fails
 *    here keeps its staged results, and the next run_draw publishes them.
 */
CREATE FUNCTION promo_draw.run_draw(draw_id bigint)
RETURNS TABLE (place bigint, customer_id bigint, ticket uuid, prize_id bigint, prize text, outcome text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	v_id bigint := run_draw.draw_id;
	v_nodes integer;
	v_modular boolean;
	v promo_draw_proxy.draw_row;
	v_states integer;
	v_drawn integer;
	v_token uuid;
	v_staged bigint[];
	v_refused bigint[];
	v_from bigint;
	v_last bigint;
	v_parts integer;
	v_by_ref boolean;
	v_digest bytea;
	r record;
BEGIN
	IF v_id IS NULL THEN
		RAISE EXCEPTION 'draw_id must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	v_nodes := promo_draw_proxy.check_nodes();
	v_modular := promo_draw_proxy.modular();
	-- one run of a draw at a time through this proxy; runs through other
	-- proxies are told apart by their token (shard_publish_draw)
	PERFORM pg_advisory_xact_lock(hashtext('promo_draw.run_draw'), hashint8(v_id));

	SELECT count(*), count(*) FILTER (WHERE s.status = 'drawn'), min(s.staged_token::text)::uuid,
	       greatest(ceil(coalesce(sum(s.entries), 0) / 100000.0), 1)
	INTO v_states, v_drawn, v_token, v_parts
	FROM promo_draw_proxy.draw_state_on_all(v_id) s;
	IF v_states < v_nodes THEN
		RAISE EXCEPTION 'draw % does not exist', v_id
			USING ERRCODE = 'PD001',
			      DETAIL = format('%s of the %s nodes know it.', v_states, v_nodes);
	END IF;

	IF v_drawn = v_nodes THEN
		RETURN QUERY SELECT * FROM promo_draw_proxy.draw_results_on_all(v_id) x ORDER BY x.place;
		RETURN;
	ELSIF v_drawn > 0 THEN
		-- an earlier run staged everywhere and published on some nodes
		SELECT array_agg(coalesce(s.staged, 0) ORDER BY s.node) INTO v_staged
		FROM promo_draw_proxy.draw_state_on_all(v_id) s;
		-- the digest the published nodes stored, for those still to publish
		SELECT d.entry_digest INTO v_digest FROM promo_draw_proxy.draw_rows(v_id) d
		WHERE d.status = 'drawn' LIMIT 1;
		PERFORM count(*) FROM promo_draw_proxy.publish_draw_on_all(v_id, v_token, v_staged, v_digest);
		RETURN QUERY SELECT * FROM promo_draw_proxy.draw_results_on_all(v_id) x ORDER BY x.place;
		RETURN;
	END IF;

	SELECT * INTO v FROM promo_draw_proxy.draw_rows(v_id) d WHERE d.node = 0;
	v_token := gen_random_uuid();
	-- entry references order ties and name the entries, but for draws
	-- sealed before 0.4.0, whose digest committed to customer ids
	v_by_ref := NOT v.sealed OR v.digest_version = 2;

	-- every node's tickets, in the draw's order.  They come in parts of
	-- about 100,000 customers (customer_id mod parts), one call a part,
	-- since PL/Proxy holds a call's whole result in memory.
	IF to_regclass('pg_temp.promo_draw_tickets') IS NOT NULL THEN
		DROP TABLE pg_temp.promo_draw_tickets, pg_temp.promo_draw_results;
	END IF;
	IF to_regclass('pg_temp.promo_draw_keys') IS NOT NULL THEN
		DROP TABLE pg_temp.promo_draw_keys;
	END IF;
	IF NOT v.sealed THEN
		CREATE TEMP TABLE promo_draw_tickets ON COMMIT DROP AS
		SELECT row_number() OVER w AS place, x.ticket, x.customer_id, x.rank,
		       x.entry_ref, x.tickets
		FROM generate_series(0, v_parts - 1) p,
		     LATERAL promo_draw_proxy.draw_tickets_on_all(v_id, p::integer, v_parts) x
		WINDOW w AS (ORDER BY x.ticket DESC, x.entry_ref, x.customer_id, x.rank);
		-- the digest of every node's entries, as one node holding them all
		-- stores it when it draws (doc/record-format.md)
		v_digest := promo_draw_proxy.seeded_digest(v.draw_id, v.seed_hash, v.max_wins_per_customer,
			v.default_prize, v.lose_message,
			CASE WHEN v.eligibility IS NOT NULL THEN v.eligibility_identity END);
	ELSE
		-- a sealed draw: every node sealed with one digest and given one beacon
		IF EXISTS (SELECT FROM promo_draw_proxy.draw_rows(v_id) d
		           WHERE d.entry_digest IS DISTINCT FROM v.entry_digest OR d.beacon IS DISTINCT FROM v.beacon) THEN
			RAISE EXCEPTION 'the nodes of sealed draw % disagree on its digest or beacon', v_id
				USING ERRCODE = 'PD050',
				      HINT = 'seal_draw() and set_beacon() on the proxy complete a seal or a beacon that reached only some nodes.';
		END IF;
		IF v.entry_digest IS NULL THEN
			RAISE EXCEPTION 'draw % is not sealed yet', v_id
				USING ERRCODE = 'PD041',
				      HINT = 'run_due_draws() seals it on its next call; seal_draw() seals it now.  Then publish its digest and wait for the beacon.';
		END IF;
		IF v.beacon IS NULL THEN
			RAISE EXCEPTION 'draw % has no beacon yet', v_id
				USING ERRCODE = 'PD041',
				      DETAIL = format('It was sealed with digest %s and waits for a value of: %s.',
				                      encode(v.entry_digest, 'hex'), v.beacon_source);
		END IF;
		CREATE TEMP TABLE promo_draw_keys ON COMMIT DROP AS
		SELECT x.* FROM generate_series(0, v_parts - 1) p,
		     LATERAL promo_draw_proxy.sealed_tickets_on_all(v_id, p::integer, v_parts) x;
		-- every node's entries together must give the digest they were sealed with
		IF promo_draw_proxy.sealed_digest(v_id,
		       (SELECT array_agg(k.customer_id ORDER BY k.customer_id) FROM promo_draw_keys k WHERE k.rank = 1),
		       (SELECT array_agg(k.entry_ref ORDER BY k.customer_id) FROM promo_draw_keys k WHERE k.rank = 1),
		       (SELECT array_agg(k.tickets ORDER BY k.customer_id) FROM promo_draw_keys k WHERE k.rank = 1))
		   IS DISTINCT FROM v.entry_digest THEN
			RAISE EXCEPTION 'the entries of sealed draw % do not match its digest', v_id
				USING ERRCODE = 'data_corrupted',
				      DETAIL = format('It was sealed with digest %s.', encode(v.entry_digest, 'hex')),
				      HINT = 'Something changed the tables of a node behind promo_draw''s back; the draw is not run.';
		END IF;
		-- smallest key first; keys within 1e-9 of the one before, as the
		-- nodes settle them, are ordered by their exact (numeric) value
		CREATE TEMP TABLE promo_draw_tickets ON COMMIT DROP AS
		WITH o AS (
			SELECT k.*, k.key - lag(k.key) OVER w > 1e-9 * k.key AS gap
			FROM promo_draw_keys k WINDOW w AS (ORDER BY k.key, k.customer_id, k.rank)
		), r AS (
			SELECT o.*, count(*) FILTER (WHERE o.gap) OVER (ORDER BY o.key, o.customer_id, o.rank) AS run
			FROM o
		), n AS (
			SELECT r.*, count(*) OVER (PARTITION BY r.run) AS size FROM r
		)
		SELECT row_number() OVER (ORDER BY n.run, x.exact, CASE WHEN v_by_ref THEN n.entry_ref END,
		                                   n.customer_id, n.rank) AS place,
		       n.ticket, n.customer_id, n.rank, n.entry_ref, n.tickets
		FROM n, LATERAL (SELECT CASE WHEN n.size > 1
		                             THEN promo_draw_proxy.exact_key(v.beacon, v.entry_digest, n.customer_id,
		                                                             n.entry_ref, n.rank, n.tickets,
		                                                             v_by_ref) END AS exact) x;
	END IF;
	CREATE TEMP TABLE promo_draw_results ON COMMIT DROP AS
	SELECT w.* FROM promo_draw_proxy.walk_prizes(v_id, v.max_wins_per_customer, NOT v.sealed, v_by_ref,
		v.eligibility IS NOT NULL, CASE WHEN v.default_prize IS NULL THEN 'lost' ELSE 'default' END,
		v_nodes, v_modular) w;
	ALTER TABLE promo_draw_results ADD PRIMARY KEY (place);

	-- the default prize is a prize: its winners are asked on their nodes
	IF v.default_prize IS NOT NULL AND v.eligibility IS NOT NULL THEN
		FOR r IN
			SELECT promo_draw_proxy.node_of(x.customer_id, v_nodes, v_modular) AS node,
			       array_agg(x.customer_id) AS customers
			FROM promo_draw_results x WHERE x.outcome = 'default'
			GROUP BY 1
		LOOP
			v_refused := promo_draw_proxy.ineligible_on(r.node, v_id, r.customers);
			UPDATE promo_draw_results x SET outcome = 'ineligible'
			FROM unnest(v_refused) AS n(customer_id)
			WHERE x.customer_id = n.customer_id AND x.outcome = 'default';
		END LOOP;
	END IF;

	-- stage on every node, then publish on every node.  The results go
	-- out 50,000 places at a time, so the proxy holds one window's arrays,
	-- not the whole draw's; a node adds each window to what it staged
	-- under this token, and the proxy counts what each node took.  A
	-- node's arrays hold its rows in one order, whichever: each row's
	-- columns go in at the same index, and the node publishes its results
	-- by place (an ORDER BY in each aggregate would sort once per array).
	v_staged := array_fill(0::bigint, ARRAY[v_nodes]);
	v_last := (SELECT max(x.place) FROM promo_draw_results x);
	v_from := 0;
	WHILE v_from < v_last LOOP
		FOR r IN
			SELECT promo_draw_proxy.node_of(x.customer_id, v_nodes, v_modular) AS node,
			       array_agg(x.place) AS places, array_agg(x.customer_id) AS customers,
			       array_agg(x.ticket) AS tickets, array_agg(x.prize_id) AS prizes,
			       array_agg(x.outcome) AS outcomes, array_agg(x.entry_ref) AS refs
			FROM promo_draw_results x
			WHERE x.place > v_from AND x.place <= v_from + 50000
			GROUP BY 1
		LOOP
			v_staged[r.node + 1] := v_staged[r.node + 1] + promo_draw_proxy.stage_draw_on(r.node, v_id,
				v_token, r.places, r.customers, r.tickets, r.prizes, r.outcomes, r.refs);
		END LOOP;
		v_from := v_from + 50000;
	END LOOP;
	PERFORM count(*) FROM promo_draw_proxy.publish_draw_on_all(v_id, v_token, v_staged, v_digest);

	RETURN QUERY
	SELECT x.place, x.customer_id, x.ticket, x.prize_id,
	       CASE x.outcome WHEN 'won' THEN p.name WHEN 'default' THEN v.default_prize END, x.outcome
	FROM promo_draw_results x
	LEFT JOIN promo_draw_proxy.prize_rows(v_id) p ON p.prize_id = x.prize_id
	ORDER BY x.place;
END
$$;
COMMENT ON FUNCTION promo_draw.run_draw(bigint) IS
	'draw a ready draw over every node and return its results by place, exactly as one node holding every entry would; again: the stored results';
