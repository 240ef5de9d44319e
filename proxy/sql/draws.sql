
/*
 * Prize draws on a sharded deployment.
 */

-- every node must answer and be configured as the node it is in the cluster
CREATE FUNCTION promo_draw_proxy.check_nodes() RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_nodes integer := promo_draw_proxy.nodes();
	v_ok integer;
BEGIN
	IF v_nodes = 0 THEN
		RAISE EXCEPTION 'the cluster promo_draw_shards has no nodes'
			USING ERRCODE = 'PD050',
			      HINT = 'CREATE SERVER promo_draw_shards FOREIGN DATA WRAPPER plproxy OPTIONS (p0 ''...'', p1 ''...''), then SELECT promo_draw_proxy.setup().';
	END IF;
	SELECT count(DISTINCT s.node) INTO v_ok FROM promo_draw_proxy.shard_node() s
	WHERE s.nodes = v_nodes;
	IF v_ok <> v_nodes THEN
		RAISE EXCEPTION 'the nodes of promo_draw_shards are not configured for %s nodes', v_nodes
			USING ERRCODE = 'PD050',
			      HINT = 'SELECT promo_draw_proxy.setup() after creating or changing the server.';
	END IF;
	RETURN v_nodes;
END
$$;
COMMENT ON FUNCTION promo_draw_proxy.check_nodes() IS
	'fail unless every node answers and knows its number; returns the number of nodes';

CREATE FUNCTION promo_draw_proxy.setup() RETURNS integer
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_nodes integer := promo_draw_proxy.nodes();
BEGIN
	IF v_nodes = 0 OR (v_nodes & (v_nodes - 1)) <> 0 AND NOT EXISTS (
		SELECT FROM pg_foreign_server s, pg_options_to_table(s.srvoptions) o
		WHERE s.srvname = 'promo_draw_shards' AND o.option_name = 'modular_mapping' AND o.option_value = '1') THEN
		RAISE EXCEPTION 'promo_draw_shards must have a power of two of nodes, or modular_mapping ''1'''
			USING ERRCODE = 'PD050', DETAIL = format('It has %s.', v_nodes);
	END IF;
	FOR k IN 0 .. v_nodes - 1 LOOP
		PERFORM promo_draw_proxy.configure_on(k, k, v_nodes);
	END LOOP;
	RETURN promo_draw_proxy.check_nodes();
END
$$;
COMMENT ON FUNCTION promo_draw_proxy.setup() IS
	'tell every node of promo_draw_shards its number (before the first call; the nodes must be empty); returns the number of nodes';

CREATE FUNCTION promo_draw_proxy.copy_draw(draw_id bigint) RETURNS bigint
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT max(x) FROM promo_draw_proxy.put_draw_on_all(promo_draw_proxy.draw_definition_on_0(draw_id)) x
$$;
COMMENT ON FUNCTION promo_draw_proxy.copy_draw(bigint) IS
	'copy a draw''s definition from node 0 to every node: also repairs a copy a node missed';

CREATE FUNCTION promo_draw.create_draw(
	name text,
	closes_at timestamptz,
	draw_at timestamptz DEFAULT NULL,
	opens_at timestamptz DEFAULT now(),
	stake_per_ticket numeric DEFAULT NULL,
	max_wins_per_customer integer DEFAULT 1,
	partitions integer DEFAULT 0,
	requires_opt_in boolean DEFAULT false,
	milestones integer[] DEFAULT '{1,10}',
	min_stake numeric DEFAULT 0,
	max_tickets_per_customer bigint DEFAULT NULL,
	default_prize text DEFAULT NULL,
	lose_message text DEFAULT 'Better luck next time',
	eligibility regprocedure DEFAULT NULL,
	sealed boolean DEFAULT false,
	beacon_source text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_id bigint;
BEGIN
	PERFORM promo_draw_proxy.check_nodes();
	-- node 0 checks the arguments, takes the id and makes the seed; the
	-- other nodes get a copy (the seed goes from node to node through this
	-- function only)
	v_id := promo_draw_proxy.create_draw_on_0(create_draw.name, create_draw.closes_at,
		create_draw.draw_at, create_draw.opens_at, create_draw.stake_per_ticket,
		create_draw.max_wins_per_customer, create_draw.partitions, create_draw.requires_opt_in,
		create_draw.milestones, create_draw.min_stake, create_draw.max_tickets_per_customer,
		create_draw.default_prize, create_draw.lose_message, create_draw.eligibility::text,
		create_draw.sealed, create_draw.beacon_source);
	PERFORM promo_draw_proxy.copy_draw(v_id);
	RETURN v_id;
END
$$;
COMMENT ON FUNCTION promo_draw.create_draw(text, timestamptz, timestamptz, timestamptz, numeric,
	integer, integer, boolean, integer[], numeric, bigint, text, text, regprocedure, boolean, text) IS
	'create a prize draw on every node, with one secret seed, or sealed; returns its draw_id';

CREATE FUNCTION promo_draw.add_prize(draw_id bigint, name text, value numeric,
	quantity integer DEFAULT 1, payload jsonb DEFAULT '{}')
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_id bigint;
BEGIN
	PERFORM promo_draw_proxy.check_nodes();
	v_id := promo_draw_proxy.add_prize_on_0(add_prize.draw_id, add_prize.name, add_prize.value,
		add_prize.quantity, add_prize.payload);
	PERFORM promo_draw_proxy.copy_draw(add_prize.draw_id);
	RETURN v_id;
END
$$;
COMMENT ON FUNCTION promo_draw.add_prize(bigint, text, numeric, integer, jsonb) IS
	'add a prize to a draw''s prize table on every node; returns its prize_id';

CREATE FUNCTION promo_draw.award_tickets(draw_id bigint, customer_ids bigint[],
	counts bigint[] DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_total bigint := 0;
	v_nodes integer := promo_draw_proxy.nodes();
	v_modular boolean := promo_draw_proxy.modular();
	r record;
BEGIN
	-- arguments node 0 would refuse are sent there whole, for its error
	IF award_tickets.draw_id IS NULL OR customer_ids IS NULL OR array_position(customer_ids, NULL) IS NOT NULL
	   OR array_ndims(customer_ids) > 1 OR array_ndims(counts) > 1
	   OR cardinality(counts) <> cardinality(customer_ids) THEN
		RETURN promo_draw_proxy.award_tickets_on(0, award_tickets.draw_id, customer_ids, counts);
	END IF;
	FOR r IN
		SELECT promo_draw_proxy.node_of(x.c, v_nodes, v_modular) AS node, array_agg(x.c ORDER BY x.i) AS customers,
		       CASE WHEN counts IS NOT NULL THEN array_agg(x.n ORDER BY x.i) END AS counts
		FROM unnest(customer_ids, coalesce(counts, customer_ids)) WITH ORDINALITY AS x(c, n, i)
		GROUP BY 1 ORDER BY 1
	LOOP
		v_total := v_total + promo_draw_proxy.award_tickets_on(r.node, award_tickets.draw_id,
		                                                       r.customers, r.counts);
	END LOOP;
	RETURN v_total;
END
$$;
COMMENT ON FUNCTION promo_draw.award_tickets(bigint, bigint[], bigint[]) IS
	'award tickets to a batch of customers, each node its own customers in one call; returns the tickets awarded';

CREATE FUNCTION promo_draw.record_stakes(draw_id bigint, customer_ids bigint[], amounts numeric[],
	ats timestamptz[] DEFAULT NULL, partition integer DEFAULT 0, source_offsets bigint[] DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_total bigint := 0;
	v_nodes integer := promo_draw_proxy.nodes();
	v_modular boolean := promo_draw_proxy.modular();
	r record;
BEGIN
	IF record_stakes.draw_id IS NULL OR customer_ids IS NULL OR amounts IS NULL
	   OR array_position(customer_ids, NULL) IS NOT NULL OR array_ndims(customer_ids) > 1
	   OR cardinality(amounts) <> cardinality(customer_ids)
	   OR cardinality(ats) <> cardinality(customer_ids)
	   OR cardinality(source_offsets) <> cardinality(customer_ids) THEN
		RETURN promo_draw_proxy.record_stakes_on(0, record_stakes.draw_id, customer_ids, amounts,
		                                         ats, record_stakes.partition, source_offsets);
	END IF;
	-- each node gets its customers' bets in the order of the batch
	FOR r IN
		SELECT promo_draw_proxy.node_of(x.c, v_nodes, v_modular) AS node, array_agg(x.c ORDER BY x.i) AS customers,
		       array_agg(x.a ORDER BY x.i) AS amounts,
		       CASE WHEN ats IS NOT NULL THEN array_agg(x.t ORDER BY x.i) END AS ats,
		       CASE WHEN source_offsets IS NOT NULL THEN array_agg(x.o ORDER BY x.i) END AS offsets
		FROM unnest(customer_ids, amounts, ats, source_offsets) WITH ORDINALITY AS x(c, a, t, o, i)
		GROUP BY 1 ORDER BY 1
	LOOP
		v_total := v_total + promo_draw_proxy.record_stakes_on(r.node, record_stakes.draw_id,
			r.customers, r.amounts, r.ats, record_stakes.partition, r.offsets);
	END LOOP;
	RETURN v_total;
END
$$;
COMMENT ON FUNCTION promo_draw.record_stakes(bigint, bigint[], numeric[], timestamptz[], integer, bigint[]) IS
	'a batch of bets from one partition, split by node (each node applies its part in one call); returns the tickets the batch brought';

CREATE FUNCTION promo_draw.close_partition(draw_id bigint, partition integer) RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_ready boolean;
BEGIN
	-- every node closes the partition; the draw is ready when it is on all,
	-- and a sealed draw is then sealed over every node's entries
	SELECT bool_and(r) INTO v_ready
	FROM promo_draw_proxy.close_partition_on_all(close_partition.draw_id, close_partition.partition) r;
	IF v_ready AND EXISTS (SELECT FROM promo_draw_proxy.draw_rows(close_partition.draw_id) d
	                       WHERE d.node = 0 AND d.sealed AND d.entry_digest IS NULL) THEN
		PERFORM promo_draw.seal_draw(close_partition.draw_id);
	END IF;
	RETURN v_ready;
END
$$;
COMMENT ON FUNCTION promo_draw.close_partition(bigint, integer) IS
	'close an ingest partition of a draw on every node; true once every partition has reported on every node (a sealed draw is then sealed)';

CREATE FUNCTION promo_draw.cancel_draw(draw_id bigint, reason text DEFAULT NULL) RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT count(*) FROM promo_draw_proxy.cancel_draw_on_all(draw_id, reason);
$$;
COMMENT ON FUNCTION promo_draw.cancel_draw(bigint, text) IS
	'cancel a draw on every node; cancelling twice is harmless';

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
 *    orders them as run_draw does, best ticket first, ties by customer,
 *    and walks them against the prize table with the same rules: a repeat
 *    is ignored, max_wins_per_customer, the eligibility function asked on
 *    the customer's node, and a consolation result (default prize or lose
 *    message) at the best ticket of everyone who won nothing.
 * 3. Each node stages its customers' results under this run's token.
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
	v_prize_ids bigint[];
	v_remaining bigint[];
	v_next integer := 1;
	v_wins integer;
	v_eligible boolean;
	v_refused bigint[];
	v_from bigint;
	v_last bigint;
	v_parts integer;
	t record;
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
		PERFORM count(*) FROM promo_draw_proxy.publish_draw_on_all(v_id, v_token, v_staged);
		RETURN QUERY SELECT * FROM promo_draw_proxy.draw_results_on_all(v_id) x ORDER BY x.place;
		RETURN;
	END IF;

	SELECT * INTO v FROM promo_draw_proxy.draw_rows(v_id) d WHERE d.node = 0;
	v_token := gen_random_uuid();

	-- every node's tickets, in the draw's order.  They come in parts of
	-- about 100,000 customers (customer_id mod parts), one call a part,
	-- since PL/Proxy holds a call's whole result in memory.
	IF to_regclass('pg_temp.promo_draw_tickets') IS NOT NULL THEN
		DROP TABLE pg_temp.promo_draw_tickets, pg_temp.promo_draw_results, pg_temp.promo_draw_marks;
	END IF;
	IF to_regclass('pg_temp.promo_draw_keys') IS NOT NULL THEN
		DROP TABLE pg_temp.promo_draw_keys;
	END IF;
	IF NOT v.sealed THEN
		CREATE TEMP TABLE promo_draw_tickets ON COMMIT DROP AS
		SELECT row_number() OVER w AS place, x.ticket, x.customer_id, x.rank,
		       coalesce(lag(x.ticket) OVER w = x.ticket, false) AS repeat
		FROM generate_series(0, v_parts - 1) p,
		     LATERAL promo_draw_proxy.draw_tickets_on_all(v_id, p::integer, v_parts) x
		WINDOW w AS (ORDER BY x.ticket DESC, x.customer_id, x.rank);
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
		SELECT row_number() OVER (ORDER BY n.run, x.exact, n.customer_id, n.rank) AS place,
		       n.ticket, n.customer_id, n.rank, false AS repeat
		FROM n, LATERAL (SELECT CASE WHEN n.size > 1
		                             THEN promo_draw_proxy.exact_key(v.beacon, v.entry_digest, n.customer_id,
		                                                             n.rank, n.tickets) END AS exact) x;
	END IF;
	CREATE UNIQUE INDEX ON promo_draw_tickets (place);
	CREATE TEMP TABLE promo_draw_results (place bigint PRIMARY KEY, customer_id bigint NOT NULL,
		ticket uuid NOT NULL, prize_id bigint, outcome text NOT NULL) ON COMMIT DROP;
	CREATE TEMP TABLE promo_draw_marks (customer_id bigint PRIMARY KEY, wins integer NOT NULL,
		eligible boolean NOT NULL) ON COMMIT DROP;

	-- the prize table, most valuable first
	SELECT array_agg(p.prize_id ORDER BY p.value DESC, p.prize_id),
	       array_agg(p.quantity::bigint ORDER BY p.value DESC, p.prize_id)
	INTO v_prize_ids, v_remaining
	FROM promo_draw_proxy.prize_rows(v_id) p;

	-- the walk, while prizes remain
	IF v_prize_ids IS NOT NULL THEN
		FOR t IN SELECT * FROM promo_draw_tickets x ORDER BY x.place LOOP
			EXIT WHEN v_next > cardinality(v_prize_ids);
			CONTINUE WHEN t.repeat;
			SELECT m.wins, m.eligible INTO v_wins, v_eligible
			FROM promo_draw_marks m WHERE m.customer_id = t.customer_id;
			IF NOT FOUND THEN
				v_wins := 0;
				v_eligible := v.eligibility IS NULL OR NOT (t.customer_id = ANY (
					promo_draw_proxy.ineligible_on(
						promo_draw_proxy.node_of(t.customer_id, v_nodes, v_modular),
						v_id, ARRAY[t.customer_id])));
				INSERT INTO promo_draw_marks VALUES (t.customer_id, 0, v_eligible);
				IF NOT v_eligible THEN
					INSERT INTO promo_draw_results VALUES (t.place, t.customer_id, t.ticket, NULL, 'ineligible');
				END IF;
			END IF;
			CONTINUE WHEN NOT v_eligible OR v_wins >= v.max_wins_per_customer;
			INSERT INTO promo_draw_results VALUES (t.place, t.customer_id, t.ticket, v_prize_ids[v_next], 'won');
			UPDATE promo_draw_marks m SET wins = m.wins + 1 WHERE m.customer_id = t.customer_id;
			v_remaining[v_next] := v_remaining[v_next] - 1;
			IF v_remaining[v_next] = 0 THEN
				v_next := v_next + 1;
			END IF;
		END LOOP;
	END IF;

	-- everyone else who won nothing, at their best ticket
	INSERT INTO promo_draw_results
	SELECT x.place, x.customer_id, x.ticket, NULL, CASE WHEN v.default_prize IS NULL THEN 'lost' ELSE 'default' END
	FROM promo_draw_tickets x
	WHERE x.rank = 1
	  AND NOT EXISTS (SELECT FROM promo_draw_marks m
	                  WHERE m.customer_id = x.customer_id AND (m.wins > 0 OR NOT m.eligible));
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
			       array_agg(x.outcome) AS outcomes
			FROM promo_draw_results x
			WHERE x.place > v_from AND x.place <= v_from + 50000
			GROUP BY 1
		LOOP
			v_staged[r.node + 1] := v_staged[r.node + 1] + promo_draw_proxy.stage_draw_on(r.node, v_id,
				v_token, r.places, r.customers, r.tickets, r.prizes, r.outcomes);
		END LOOP;
		v_from := v_from + 50000;
	END LOOP;
	PERFORM count(*) FROM promo_draw_proxy.publish_draw_on_all(v_id, v_token, v_staged);

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

CREATE FUNCTION promo_draw.run_due_draws() RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_drawn integer := 0;
	v_id bigint;
	v_seal boolean;
BEGIN
	FOR v_id, v_seal IN SELECT x.draw_id, x.to_seal FROM promo_draw_proxy.due_draws_on_0() x LOOP
		BEGIN
			IF v_seal THEN
				PERFORM promo_draw.seal_draw(v_id);
			ELSE
				PERFORM count(*) FROM promo_draw.run_draw(v_id);
				v_drawn := v_drawn + 1;
			END IF;
		EXCEPTION WHEN OTHERS THEN
			RAISE WARNING 'draw % was not drawn: %', v_id, SQLERRM
				USING HINT = 'run_due_draws() will try again on its next call.';
		END;
	END LOOP;
	RETURN v_drawn;
END
$$;
COMMENT ON FUNCTION promo_draw.run_due_draws() IS
	'draw every ready draw whose draw_at has passed and seal every sealed draw past closes_at, over every node, for pg_cron on the proxy; returns how many it drew';

/*
 * What verify_draw reads, from every node (src/sql/verify.sql).  A draw's
 * row is node 0's, with the counts of every node added up and status
 * drawn only once every node has published.
 */
CREATE FUNCTION promo_draw_proxy.draws(for_draw bigint) RETURNS SETOF promo_draw_proxy.draw_row
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
	WITH n AS (SELECT * FROM promo_draw_proxy.draw_rows(for_draw))
	SELECT z.node, z.draw_id, z.name, z.opens_at, z.closes_at, z.draw_at,
	       CASE WHEN a.drawn = a.nodes THEN 'drawn' WHEN a.cancelled > 0 THEN 'cancelled'
	            WHEN z.status = 'drawn' THEN CASE WHEN z.sealed THEN 'sealed' ELSE 'open' END
            ELSE z.status END,
	       z.partitions, z.max_wins_per_customer, z.stake_per_ticket, z.min_stake,
	       z.max_tickets_per_customer, z.milestones, z.requires_opt_in, z.default_prize,
	       z.lose_message, z.eligibility, z.eligibility_identity, z.seed_hash, z.created_by,
	       z.created_at, a.ready_at,
	       CASE WHEN a.drawn = a.nodes THEN a.drawn_at END,
	       CASE WHEN a.drawn = a.nodes THEN a.participants END,
	       CASE WHEN a.drawn = a.nodes THEN a.tickets_total END,
	       z.cancelled_at, z.cancel_reason, z.failed_runs, z.last_error, z.last_error_at,
	       z.sealed, z.beacon_source, z.entry_digest, z.sealed_at, z.beacon, z.beacon_reference, z.beacon_at
	FROM n z
	JOIN (SELECT n.draw_id, count(*) AS nodes, count(*) FILTER (WHERE n.status = 'drawn') AS drawn,
	             count(*) FILTER (WHERE n.status = 'cancelled') AS cancelled,
	             max(n.drawn_at) AS drawn_at, sum(n.participants)::bigint AS participants,
	             sum(n.tickets_total) AS tickets_total,
	             CASE WHEN bool_and(n.ready_at IS NOT NULL) THEN max(n.ready_at) END AS ready_at
	      FROM n GROUP BY n.draw_id) a ON a.draw_id = z.draw_id
	WHERE z.node = 0
$$;
COMMENT ON FUNCTION promo_draw_proxy.draws(bigint) IS
	'draws as one node would show them: node 0''s row, counts added over the nodes (NULL: every draw)';

CREATE FUNCTION promo_draw_proxy.draw_of(draw_id bigint) RETURNS SETOF promo_draw_proxy.draw_row
LANGUAGE sql STABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$ SELECT * FROM promo_draw_proxy.draws(draw_id) $$;

CREATE FUNCTION promo_draw_proxy.draw_reveal_of(draw_id bigint)
RETURNS TABLE (draw_id bigint, seed bytea, seed_hash bytea, drawn_at timestamptz)
LANGUAGE sql STABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$
	-- the seed is revealed once every node has published
	SELECT r.* FROM promo_draw_proxy.draw_reveal_rows($1) r
	WHERE EXISTS (SELECT FROM promo_draw_proxy.draws($1) d WHERE d.status = 'drawn')
$$;

CREATE FUNCTION promo_draw_proxy.entry_reveal_of(draw_id bigint)
RETURNS TABLE (draw_id bigint, customer_id bigint, tickets bigint, best uuid[], opted_in boolean)
LANGUAGE sql STABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$ SELECT * FROM promo_draw_proxy.entry_reveal_rows($1) $$;

CREATE FUNCTION promo_draw_proxy.prize_of(draw_id bigint)
RETURNS TABLE (prize_id bigint, draw_id bigint, name text, value numeric, quantity integer, payload jsonb)
LANGUAGE sql STABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$ SELECT * FROM promo_draw_proxy.prize_rows($1) $$;

CREATE FUNCTION promo_draw_proxy.result_of(draw_id bigint)
RETURNS TABLE (draw_id bigint, place bigint, customer_id bigint, ticket uuid, prize_id bigint, outcome text)
LANGUAGE sql STABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$ SELECT * FROM promo_draw_proxy.result_rows($1) $$;

CREATE FUNCTION promo_draw_proxy.notification_of(draw_id bigint)
RETURNS TABLE (notification_id bigint, customer_id bigint, draw_id bigint, kind text,
	payload jsonb, created_at timestamptz, delivered_at timestamptz)
LANGUAGE sql STABLE STRICT
SET search_path = pg_catalog, pg_temp
AS $$ SELECT * FROM promo_draw_proxy.notification_rows($1) $$;

/*
 * Reports: the views of promo_draw, over every node.
 */
CREATE VIEW promo_draw.draw_summary AS
SELECT d.draw_id, d.name, d.status, d.opens_at, d.closes_at, d.draw_at, d.drawn_at,
       s.participants, s.tickets, coalesce(p.prize_units, 0) AS prize_units,
       coalesce(p.prize_value, 0) AS prize_value,
       s.won, s."default", s.lost, s.ineligible, s.value_won,
       d.failed_runs, d.last_error, d.last_error_at,
       d.sealed, d.sealed_at, d.entry_digest, d.beacon_source, d.beacon_at
FROM promo_draw_proxy.draws(NULL) d
JOIN (SELECT x.draw_id, sum(x.participants)::bigint AS participants, sum(x.tickets) AS tickets,
             sum(x.won)::bigint AS won, sum(x."default")::bigint AS "default", sum(x.lost)::bigint AS lost,
             sum(x.ineligible)::bigint AS ineligible, sum(x.value_won) AS value_won
      FROM promo_draw_proxy.summary_rows() x GROUP BY x.draw_id) s ON s.draw_id = d.draw_id
LEFT JOIN (SELECT x.draw_id, sum(x.quantity)::bigint AS prize_units, sum(x.value * x.quantity) AS prize_value
           FROM promo_draw_proxy.prize_rows(NULL) x GROUP BY x.draw_id) p ON p.draw_id = d.draw_id;
COMMENT ON VIEW promo_draw.draw_summary IS
	'one row per draw, over every node: participants, tickets, prizes on offer and given, outcomes';

CREATE VIEW promo_draw.customer_result AS
SELECT * FROM promo_draw_proxy.customer_result_rows();
COMMENT ON VIEW promo_draw.customer_result IS
	'every draw result of every node with the draw and prize it names; filter by customer_id';
