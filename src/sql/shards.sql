
/*
 * The shard side of a sharded deployment (README, "Scaling out").
 *
 * A proxy database runs promo_draw_proxy, whose functions have the names
 * and signatures of promo_draw's and reach the shards through PL/Proxy;
 * every shard runs promo_draw.  The functions below are what the proxy
 * calls besides the ordinary ones.  None is granted to PUBLIC: the role of
 * the proxy's user mapping needs EXECUTE on them (README).
 *
 * - Definitions (draws, prizes, codes, instant wins) are created on node 0
 *   and copied to every node with the same ids, so a draw_id means the
 *   same draw everywhere.  The copy carries the draw's seed: it passes
 *   through the proxy's connection, never into a table of the proxy.
 * - Ids made on a shard for one customer (bonus_id, notification_id) are
 *   interleaved by shard_configure: node k of n hands out k + 1, k + 1 + n,
 *   ..., so an id names its node and no two nodes give the same id.
 * - A sharded draw is drawn by the proxy, which merges the tickets of all
 *   nodes (shard_draw_tickets; for a sealed draw the keys of
 *   shard_sealed_tickets, after sealing every node with the digest of all
 *   their entries: shard_sealed_entries, shard_seal_draw) and stages each
 *   node's results
 *   (shard_stage_draw) before any node publishes them (shard_publish_draw);
 *   run_draw and run_due_draws on a shard refuse with PD050.
 * - A limited code's limit is spread over the nodes; a node whose part is
 *   used up borrows room from another (shard_lend_code_room, then
 *   shard_accept_code_room), each transfer recorded on both sides under one
 *   transfer_id, so that room in transit is never lost nor counted twice.
 */

CREATE TABLE promo_draw.shard_node (
	one boolean PRIMARY KEY DEFAULT true CHECK (one),
	node integer NOT NULL CHECK (node >= 0),
	nodes integer NOT NULL CHECK (nodes >= 1 AND node < nodes),
	configured_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE promo_draw.shard_node IS
	'empty on a single node; on a shard of a sharded deployment its node number and the number of nodes';

-- a result row, with the token of the run that staged it
CREATE TABLE promo_draw.staged_result (
	LIKE promo_draw.result INCLUDING CONSTRAINTS INCLUDING INDEXES,
	token uuid NOT NULL
);
COMMENT ON TABLE promo_draw.staged_result IS
	'a sharded draw''s results for this shard''s customers, computed by the proxy and not yet published';

CREATE TABLE promo_draw.code_transfer (
	transfer_id uuid PRIMARY KEY,
	code text NOT NULL,
	amount bigint NOT NULL CHECK (amount > 0),
	direction text NOT NULL CHECK (direction IN ('out', 'in')),
	peer integer NOT NULL CHECK (peer >= 0),
	at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX code_transfer_code_idx ON promo_draw.code_transfer (code);
COMMENT ON TABLE promo_draw.code_transfer IS
	'room of a limited code lent to (out) or borrowed from (in) another node: a transfer is complete when both nodes hold its row';

SELECT pg_catalog.pg_extension_config_dump('promo_draw.shard_node', '');
SELECT pg_catalog.pg_extension_config_dump('promo_draw.staged_result', '');
SELECT pg_catalog.pg_extension_config_dump('promo_draw.code_transfer', '');

CREATE FUNCTION promo_draw.shard_configure(node integer, nodes integer) RETURNS integer
LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_next bigint;
BEGIN
	IF nodes < 1 OR node NOT BETWEEN 0 AND nodes - 1 THEN
		RAISE EXCEPTION 'node must be between 0 and nodes - 1'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = format('node is %s and nodes is %s.', node, nodes);
	END IF;
	INSERT INTO promo_draw.shard_node AS s (node, nodes) VALUES (node, nodes)
	ON CONFLICT (one) DO UPDATE SET node = excluded.node, nodes = excluded.nodes,
		configured_at = now()
	WHERE (s.node, s.nodes) IS DISTINCT FROM (excluded.node, excluded.nodes);

	-- interleave the ids a node makes for its own customers, past every id
	-- it made so far: node k of n gives k + 1 + j * n
	SELECT (coalesce(max(b.bonus_id), 0) / nodes + 1) * nodes + node + 1 INTO v_next FROM promo_draw.bonus b;
	EXECUTE format('ALTER TABLE promo_draw.bonus ALTER COLUMN bonus_id SET INCREMENT BY %s RESTART WITH %s',
	               nodes, v_next);
	SELECT (coalesce(max(n.notification_id), 0) / nodes + 1) * nodes + node + 1 INTO v_next
	FROM promo_draw.notification n;
	EXECUTE format('ALTER TABLE promo_draw.outbox ALTER COLUMN notification_id SET INCREMENT BY %s RESTART WITH %s',
	               nodes, v_next);
	RETURN node;
END
$$;
COMMENT ON FUNCTION promo_draw.shard_configure(integer, integer) IS
	'make this database node "node" of "nodes" of a sharded deployment (promo_draw_proxy calls it); returns the node';

CREATE FUNCTION promo_draw.shard_node() RETURNS TABLE (node integer, nodes integer, version text)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT s.node, s.nodes, e.extversion::text
	FROM pg_extension e LEFT JOIN promo_draw.shard_node s ON true
	WHERE e.extname = 'promo_draw'
$$;
COMMENT ON FUNCTION promo_draw.shard_node() IS
	'this database''s node number and node count (NULL when not configured) and promo_draw''s version';

CREATE FUNCTION promo_draw.shard_draw_definition(draw_id bigint) RETURNS jsonb
LANGUAGE sql STABLE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT jsonb_build_object(
		'draw', to_jsonb(d),
		'prizes', coalesce((SELECT jsonb_agg(to_jsonb(p) ORDER BY p.prize_id)
		                    FROM promo_draw.prize p WHERE p.draw_id = d.draw_id), '[]'),
		'partitions', coalesce((SELECT jsonb_agg(m.partition ORDER BY m.partition)
		                        FROM promo_draw.partition_mark m WHERE m.draw_id = d.draw_id), '[]'))
	FROM promo_draw.draw d
	WHERE d.draw_id = shard_draw_definition.draw_id
$$;
COMMENT ON FUNCTION promo_draw.shard_draw_definition(bigint) IS
	'a draw''s row (with its secret seed), prizes and partitions, for promo_draw_proxy to copy to the other nodes';

CREATE FUNCTION promo_draw.shard_put_draw(definition jsonb) RETURNS bigint
LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v promo_draw.draw%ROWTYPE := jsonb_populate_record(NULL::promo_draw.draw, definition->'draw');
	v_have promo_draw.draw%ROWTYPE;
BEGIN
	IF v.draw_id IS NULL THEN
		RAISE EXCEPTION 'a draw definition needs its draw row' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	SELECT * INTO v_have FROM promo_draw.draw d WHERE d.draw_id = v.draw_id FOR UPDATE;
	IF NOT FOUND THEN
		INSERT INTO promo_draw.draw OVERRIDING SYSTEM VALUE SELECT v.*;
		INSERT INTO promo_draw.partition_mark (draw_id, partition)
		SELECT v.draw_id, p::integer FROM jsonb_array_elements_text(definition->'partitions') p;
	ELSIF (v_have.seed, v_have.name, v_have.created_at) IS DISTINCT FROM (v.seed, v.name, v.created_at) THEN
		RAISE EXCEPTION 'draw % on this node is another draw', v.draw_id
			USING ERRCODE = 'PD050',
			      DETAIL = 'A draw of that id exists here with another name, seed or creation time.',
			      HINT = 'Every node must be created empty and take its definitions from the proxy.';
	END IF;
	INSERT INTO promo_draw.prize OVERRIDING SYSTEM VALUE
	SELECT p.* FROM jsonb_populate_recordset(NULL::promo_draw.prize, definition->'prizes') p
	WHERE NOT EXISTS (SELECT FROM promo_draw.prize q WHERE q.prize_id = p.prize_id);
	RETURN v.draw_id;
END
$$;
COMMENT ON FUNCTION promo_draw.shard_put_draw(jsonb) IS
	'copy a draw''s definition from node 0 (draw, prizes and partitions missing here); returns its draw_id';

CREATE FUNCTION promo_draw.shard_draw_state(draw_id bigint)
RETURNS TABLE (node integer, status text, staged_token uuid, staged bigint, results bigint,
	entries bigint)
LANGUAGE sql STABLE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT (SELECT s.node FROM promo_draw.shard_node s), d.status,
	       (SELECT min(r.token::text)::uuid FROM promo_draw.staged_result r WHERE r.draw_id = d.draw_id),
	       (SELECT count(*) FROM promo_draw.staged_result r WHERE r.draw_id = d.draw_id),
	       (SELECT count(*) FROM promo_draw.result r WHERE r.draw_id = d.draw_id),
	       (SELECT count(*) FROM promo_draw.entry e WHERE e.draw_id = d.draw_id AND e.tickets > 0)
	FROM promo_draw.draw d WHERE d.draw_id = shard_draw_state.draw_id
$$;
COMMENT ON FUNCTION promo_draw.shard_draw_state(bigint) IS
	'where a sharded draw stands on this node: its status, staged results, published results and entries holding tickets';

CREATE FUNCTION promo_draw.shard_draw_begin(draw_id bigint) RETURNS text
	AS 'MODULE_PATHNAME', 'shard_draw_begin'
	LANGUAGE C VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION promo_draw.shard_draw_begin(bigint) IS
	'lock a sharded draw on this node for the transaction (waiting for ingest in flight); ''drawn'' or ''ready'', or the error run_draw raises';

CREATE FUNCTION promo_draw.shard_ineligible(draw_id bigint, customer_ids bigint[]) RETURNS bigint[]
	AS 'MODULE_PATHNAME', 'shard_ineligible'
	LANGUAGE C VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION promo_draw.shard_ineligible(bigint, bigint[]) IS
	'the customers the draw''s eligibility function finds not eligible, asked as the role that created the draw';

CREATE FUNCTION promo_draw.shard_draw_tickets(draw_id bigint, part integer DEFAULT 0,
	parts integer DEFAULT 1)
RETURNS TABLE (ticket uuid, customer_id bigint, rank integer, tickets bigint)
LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_opt_in boolean;
BEGIN
	IF parts < 1 OR part < 0 OR part >= parts THEN
		RAISE EXCEPTION 'part % of % does not exist', part, parts
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'parts is at least 1, and part is from 0 to parts - 1.';
	END IF;
	IF promo_draw.shard_draw_begin(shard_draw_tickets.draw_id) = 'drawn' THEN
		RAISE EXCEPTION 'draw % has already been drawn on this node', shard_draw_tickets.draw_id
			USING ERRCODE = 'PD003';
	END IF;
	SELECT d.requires_opt_in INTO v_opt_in FROM promo_draw.draw d
	WHERE d.draw_id = shard_draw_tickets.draw_id;
	RETURN QUERY
	SELECT b.ticket, e.customer_id, b.rank::integer, e.tickets
	FROM promo_draw.entry e, unnest(e.best) WITH ORDINALITY AS b(ticket, rank)
	WHERE e.draw_id = shard_draw_tickets.draw_id AND e.tickets > 0 AND (e.opted_in OR NOT v_opt_in)
	  AND (parts = 1 OR (e.customer_id % parts + parts) % parts = part);
END
$$;
COMMENT ON FUNCTION promo_draw.shard_draw_tickets(bigint, integer, integer) IS
	'the best tickets of this node''s participants in a ready draw (of those in part part of parts), for the proxy to merge; only once the draw is ready, when no more tickets can come';

CREATE FUNCTION promo_draw.shard_seal_begin(draw_id bigint) RETURNS bytea
	AS 'MODULE_PATHNAME', 'shard_seal_begin'
	LANGUAGE C VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION promo_draw.shard_seal_begin(bigint) IS
	'wait for ingest in flight on a sealed draw that is ready; its digest if this node has it sealed, else NULL';

CREATE FUNCTION promo_draw.shard_sealed_entries(draw_id bigint)
RETURNS TABLE (customer_id bigint, tickets bigint)
LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_opt_in boolean;
BEGIN
	PERFORM promo_draw.shard_seal_begin(shard_sealed_entries.draw_id);
	SELECT d.requires_opt_in INTO v_opt_in FROM promo_draw.draw d
	WHERE d.draw_id = shard_sealed_entries.draw_id;
	RETURN QUERY
	SELECT e.customer_id, e.tickets FROM promo_draw.entry e
	WHERE e.draw_id = shard_sealed_entries.draw_id AND e.tickets > 0 AND (e.opted_in OR NOT v_opt_in)
	ORDER BY e.customer_id;
END
$$;
COMMENT ON FUNCTION promo_draw.shard_sealed_entries(bigint) IS
	'the participants of a ready sealed draw on this node and their ticket counts, for the proxy to seal it';

CREATE FUNCTION promo_draw.shard_seal_draw(draw_id bigint, digest bytea) RETURNS bytea
	AS 'MODULE_PATHNAME', 'shard_seal_draw'
	LANGUAGE C VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION promo_draw.shard_seal_draw(bigint, bytea) IS
	'seal this node''s part of a sealed draw with the digest of every node''s entries; again with the same digest changes nothing';

CREATE FUNCTION promo_draw.shard_sealed_tickets(draw_id bigint, part integer DEFAULT 0,
	parts integer DEFAULT 1)
RETURNS TABLE (key double precision, customer_id bigint, rank integer, tickets bigint, ticket uuid)
	AS 'MODULE_PATHNAME', 'shard_sealed_tickets'
	LANGUAGE C VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION promo_draw.shard_sealed_tickets(bigint, integer, integer) IS
	'the keys of this node''s tickets in a sealed draw with its beacon, in the draw''s order, for the proxy to merge';

CREATE FUNCTION promo_draw.shard_stage_draw(draw_id bigint, token uuid, places bigint[],
	customer_ids bigint[], tickets uuid[], prize_ids bigint[], outcomes text[])
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_rows bigint;
BEGIN
	IF draw_id IS NULL OR token IS NULL OR places IS NULL OR customer_ids IS NULL
	   OR tickets IS NULL OR prize_ids IS NULL OR outcomes IS NULL THEN
		RAISE EXCEPTION 'shard_stage_draw arguments must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF promo_draw.shard_draw_begin(shard_stage_draw.draw_id) = 'drawn' THEN
		RAISE EXCEPTION 'draw % has already been drawn on this node', shard_stage_draw.draw_id
			USING ERRCODE = 'PD003';
	END IF;
	-- results staged by an earlier attempt are replaced
	DELETE FROM promo_draw.staged_result r
	WHERE r.draw_id = shard_stage_draw.draw_id AND r.token <> shard_stage_draw.token;
	INSERT INTO promo_draw.staged_result (draw_id, token, place, customer_id, ticket, prize_id, outcome)
	SELECT shard_stage_draw.draw_id, shard_stage_draw.token, x.place, x.customer_id, x.ticket,
	       x.prize_id, x.outcome
	FROM unnest(places, customer_ids, tickets, prize_ids, outcomes)
	     AS x(place, customer_id, ticket, prize_id, outcome)
	ON CONFLICT DO NOTHING;
	GET DIAGNOSTICS v_rows = ROW_COUNT;
	RETURN v_rows;
END
$$;
COMMENT ON FUNCTION promo_draw.shard_stage_draw(bigint, uuid, bigint[], bigint[], uuid[], bigint[], text[]) IS
	'stage results of a sharded draw for this node''s customers under the proxy''s token, adding to those already staged under it; returns the rows this call staged';

CREATE FUNCTION promo_draw.shard_publish_draw(draw_id bigint, token uuid, staged bigint[])
RETURNS TABLE (node integer, results bigint)
LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
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
	IF promo_draw.shard_draw_begin(v_id) = 'drawn' THEN
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
	SELECT * INTO v FROM promo_draw.draw d WHERE d.draw_id = v_id;
	v_messages := pg_get_serial_sequence('promo_draw.outbox', 'notification_id')::regclass;

	-- each result but 'ineligible' is the customer's message, as run_draw writes it
	INSERT INTO promo_draw.result (draw_id, place, customer_id, ticket, prize_id, outcome,
	                               notification_id)
	SELECT r.draw_id, r.place, r.customer_id, r.ticket, r.prize_id, r.outcome,
	       CASE WHEN r.outcome <> 'ineligible'
	            THEN nextval(v_messages) END
	FROM promo_draw.staged_result r WHERE r.draw_id = v_id ORDER BY r.place;
	IF EXISTS (SELECT FROM promo_draw.result r WHERE r.draw_id = v_id AND r.notification_id IS NOT NULL) THEN
		INSERT INTO promo_draw.outcome_delivery (draw_id) VALUES (v_id);
	END IF;
	DELETE FROM promo_draw.staged_result r WHERE r.draw_id = v_id;

	UPDATE promo_draw.draw d SET status = 'drawn', drawn_at = now(),
		participants = e.participants, tickets_total = e.tickets
	FROM (SELECT count(*) AS participants, coalesce(sum(e.tickets), 0)::numeric AS tickets
	      FROM promo_draw.entry e
	      WHERE e.draw_id = v_id AND e.tickets > 0 AND (e.opted_in OR NOT v.requires_opt_in)) e
	WHERE d.draw_id = v_id;
	PERFORM pg_notify('promo_draw', jsonb_build_object('draw_id', v_id, 'status', 'drawn',
	                                                   'results', v_have)::text);
	RETURN QUERY SELECT v_node, v_have;
END
$$;
COMMENT ON FUNCTION promo_draw.shard_publish_draw(bigint, uuid, bigint[]) IS
	'publish a sharded draw on this node: its staged results, their messages, status drawn and one NOTIFY; a drawn draw changes nothing';

CREATE FUNCTION promo_draw.shard_draw_results(draw_id bigint)
RETURNS TABLE (place bigint, customer_id bigint, ticket uuid, prize_id bigint, prize text, outcome text)
LANGUAGE sql STABLE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT r.place, r.customer_id, r.ticket, r.prize_id,
	       CASE r.outcome WHEN 'won' THEN p.name WHEN 'default' THEN d.default_prize END, r.outcome
	FROM promo_draw.result r
	JOIN promo_draw.draw d ON d.draw_id = r.draw_id
	LEFT JOIN promo_draw.prize p ON p.prize_id = r.prize_id
	WHERE r.draw_id = shard_draw_results.draw_id
$$;
COMMENT ON FUNCTION promo_draw.shard_draw_results(bigint) IS
	'the published results of a draw on this node, as run_draw returns them';

CREATE FUNCTION promo_draw.shard_put_code(code text, starts_at timestamptz, ends_at timestamptz,
	max_redemptions bigint, reward jsonb, capacity bigint)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_code text := promo_draw.normalize_code(code);
	v_shards integer;
BEGIN
	IF starts_at IS NULL OR ends_at IS NULL OR reward IS NULL
	   OR (max_redemptions IS NULL) <> (capacity IS NULL) OR capacity < 0 THEN
		RAISE EXCEPTION 'shard_put_code needs a window, a reward and, for a limited code, a capacity of 0 or more'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF max_redemptions IS NULL THEN
		PERFORM promo_draw.create_code(v_code, starts_at, ends_at, NULL, reward);
		RETURN;
	END IF;
	-- this node's part of the limit, in as many counters as create_code makes
	v_shards := greatest(least(capacity, 32), 1);
	PERFORM promo_draw.create_code(v_code, starts_at, ends_at, v_shards, reward);
	UPDATE promo_draw.promo_code c SET max_redemptions = shard_put_code.max_redemptions
	WHERE c.code = v_code;
	UPDATE promo_draw.code_shard s
	SET capacity = shard_put_code.capacity / v_shards
	               + CASE WHEN s.shard < shard_put_code.capacity % v_shards THEN 1 ELSE 0 END
	WHERE s.code = v_code;
END
$$;
COMMENT ON FUNCTION promo_draw.shard_put_code(text, timestamptz, timestamptz, bigint, jsonb, bigint) IS
	'create a promotion code on this node holding capacity places of its limit max_redemptions (the rest is on other nodes)';

CREATE FUNCTION promo_draw.shard_put_codes(codes text[], starts_at timestamptz, ends_at timestamptz,
	reward jsonb)
RETURNS bigint
LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_rows bigint;
BEGIN
	-- single-use codes made on node 0, which holds their one place
	WITH made AS (
		INSERT INTO promo_draw.promo_code (code, starts_at, ends_at, max_redemptions, reward, shards)
		SELECT promo_draw.normalize_code(c), starts_at, ends_at, 1, reward, 1 FROM unnest(codes) c
		ON CONFLICT DO NOTHING
		RETURNING promo_code.code
	)
	INSERT INTO promo_draw.code_shard (code, shard, capacity)
	SELECT made.code, 0, 0 FROM made;
	GET DIAGNOSTICS v_rows = ROW_COUNT;
	RETURN v_rows;
END
$$;
COMMENT ON FUNCTION promo_draw.shard_put_codes(text[], timestamptz, timestamptz, jsonb) IS
	'copy single-use codes made on node 0 to this node, with no place of their own: a redeemer here borrows it';

CREATE FUNCTION promo_draw.shard_redeem(code text, customer_id bigint)
RETURNS SETOF promo_draw.redemption
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	-- no row, rather than an error, when this node's part of the limit is
	-- used up: the proxy then borrows room, and keeps its connection
	RETURN QUERY SELECT * FROM promo_draw.redeem(code, customer_id);
EXCEPTION WHEN SQLSTATE 'PD014' THEN
	RETURN;
END
$$;
COMMENT ON FUNCTION promo_draw.shard_redeem(text, bigint) IS
	'redeem on this node, or return no row when its part of the code''s limit is used up';

CREATE FUNCTION promo_draw.shard_lend_code_room(code text, wanted bigint, transfer_id uuid, to_node integer)
RETURNS bigint
LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_code text := promo_draw.normalize_code(code);
	v_free bigint;
	v_give bigint;
	v_left bigint;
	r record;
BEGIN
	IF wanted < 1 THEN
		RAISE EXCEPTION 'wanted must be at least 1' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF EXISTS (SELECT FROM promo_draw.code_transfer t WHERE t.transfer_id = shard_lend_code_room.transfer_id) THEN
		-- asked again: lend what was lent
		RETURN (SELECT t.amount FROM promo_draw.code_transfer t
		        WHERE t.transfer_id = shard_lend_code_room.transfer_id AND t.direction = 'out');
	END IF;
	-- the counters in a fixed order, so that lenders and redeemers never deadlock
	SELECT coalesce(sum(s.capacity - s.used), 0) INTO v_free
	FROM (SELECT s.capacity, s.used FROM promo_draw.code_shard s
	      WHERE s.code = v_code ORDER BY s.shard FOR UPDATE) s;
	-- half of what is free, so that the lender keeps room for its own customers
	v_give := least(wanted, greatest((v_free + 1) / 2, least(v_free, 1)));
	IF v_give = 0 THEN
		RETURN 0;
	END IF;
	v_left := v_give;
	FOR r IN SELECT s.shard, s.capacity - s.used AS free FROM promo_draw.code_shard s
	         WHERE s.code = v_code AND s.capacity > s.used ORDER BY s.capacity - s.used DESC, s.shard LOOP
		EXIT WHEN v_left = 0;
		UPDATE promo_draw.code_shard s SET capacity = s.capacity - least(r.free, v_left)
		WHERE s.code = v_code AND s.shard = r.shard;
		v_left := v_left - least(r.free, v_left);
	END LOOP;
	INSERT INTO promo_draw.code_transfer (transfer_id, code, amount, direction, peer)
	VALUES (shard_lend_code_room.transfer_id, v_code, v_give, 'out', to_node);
	RETURN v_give;
END
$$;
COMMENT ON FUNCTION promo_draw.shard_lend_code_room(text, bigint, uuid, integer) IS
	'give up to wanted free places of a code (at most half of this node''s free room, at least one) to another node; returns how many';

CREATE FUNCTION promo_draw.shard_accept_code_room(code text, transfer_id uuid, amount bigint, from_node integer)
RETURNS boolean
LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_code text := promo_draw.normalize_code(code);
BEGIN
	IF amount < 1 THEN
		RAISE EXCEPTION 'amount must be at least 1' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	INSERT INTO promo_draw.code_transfer (transfer_id, code, amount, direction, peer)
	VALUES (shard_accept_code_room.transfer_id, v_code, amount, 'in', from_node)
	ON CONFLICT DO NOTHING;
	IF NOT FOUND THEN
		RETURN false;
	END IF;
	UPDATE promo_draw.code_shard s SET capacity = s.capacity + amount
	WHERE s.code = v_code
	  AND s.shard = (SELECT min(q.shard) FROM promo_draw.code_shard q WHERE q.code = v_code);
	IF NOT FOUND THEN
		RAISE EXCEPTION 'promotion code % has no limit on this node', v_code USING ERRCODE = 'PD010';
	END IF;
	RETURN true;
END
$$;
COMMENT ON FUNCTION promo_draw.shard_accept_code_room(text, uuid, bigint, integer) IS
	'take in places of a code lent by another node, once per transfer_id; false if this transfer was taken in before';

CREATE FUNCTION promo_draw.shard_code_transfers(code text)
RETURNS SETOF promo_draw.code_transfer
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT * FROM promo_draw.code_transfer t
	WHERE code IS NULL OR t.code = promo_draw.normalize_code(code)
$$;
COMMENT ON FUNCTION promo_draw.shard_code_transfers(text) IS
	'this node''s side of the transfers of a code''s room (every code''s for NULL)';

CREATE FUNCTION promo_draw.shard_code_counts()
RETURNS TABLE (code text, starts_at timestamptz, ends_at timestamptz, max_redemptions bigint,
	redeemed bigint, cancelled bigint, used numeric, capacity numeric, reward jsonb)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT c.code, c.starts_at, c.ends_at, c.max_redemptions, s.redeemed, s.cancelled,
	       (SELECT sum(q.used) FROM promo_draw.code_shard q WHERE q.code = c.code),
	       (SELECT sum(q.capacity) FROM promo_draw.code_shard q WHERE q.code = c.code),
	       c.reward
	FROM promo_draw.promo_code c
	JOIN promo_draw.code_summary s ON s.code = c.code
$$;
COMMENT ON FUNCTION promo_draw.shard_code_counts() IS
	'per code, this node''s redemptions and its part of the limit, for the proxy''s code_summary';

CREATE FUNCTION promo_draw.shard_instant_win_definition(instant_win_id bigint) RETURNS jsonb
LANGUAGE sql STABLE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT to_jsonb(w) FROM promo_draw.instant_win w
	WHERE w.instant_win_id = shard_instant_win_definition.instant_win_id
$$;
COMMENT ON FUNCTION promo_draw.shard_instant_win_definition(bigint) IS
	'an instant win''s row, for promo_draw_proxy to copy to the other nodes';

CREATE FUNCTION promo_draw.shard_put_instant_win(definition jsonb) RETURNS bigint
LANGUAGE sql VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	INSERT INTO promo_draw.instant_win OVERRIDING SYSTEM VALUE
	SELECT * FROM jsonb_populate_record(NULL::promo_draw.instant_win, definition)
	ON CONFLICT DO NOTHING;
	SELECT (definition->>'instant_win_id')::bigint;
$$;
COMMENT ON FUNCTION promo_draw.shard_put_instant_win(jsonb) IS
	'copy an instant win made on node 0 to this node (its pool is split between the nodes); returns its id';

CREATE FUNCTION promo_draw.shard_take_notifications(max_count integer)
	RETURNS SETOF promo_draw.notification
	LANGUAGE sql VOLATILE STRICT SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
	-- this node's share of max_count: together the nodes hand out at most max_count
	SELECT * FROM promo_draw.take_notifications(
		(SELECT max_count / s.nodes + CASE WHEN s.node < max_count % s.nodes THEN 1 ELSE 0 END
		 FROM promo_draw.shard_node s))
$$;
COMMENT ON FUNCTION promo_draw.shard_take_notifications(integer) IS
	'take_notifications for this node''s share of max_count messages';
