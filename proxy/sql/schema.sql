-- promo_draw_proxy install script, built by the Makefile from the pieces in proxy/sql/.

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION promo_draw_proxy CASCADE" to load this file. \quit

/*
 * promo_draw_proxy: the proxy database of a sharded deployment.
 *
 * The application calls the functions and reads the reports of promo_draw
 * here, under the same names, signatures and results; they run on the
 * shards, which run promo_draw, through PL/Proxy's cluster
 * promo_draw_shards (a SQL/MED server, README "Scaling out"):
 *
 * - a call about one customer goes to the node of hashint8(customer_id),
 *   by PL/Proxy's own RUN ON;
 * - a call about a bonus goes to the node its bonus_id names (ids are
 *   interleaved by node, promo_draw.shard_configure);
 * - definitions (draws, prizes, codes, instant wins) are made on node 0 and
 *   copied to every node with the same ids;
 * - run_draw merges every node's tickets and gives each node its
 *   customers' results (proxy/sql/draws.sql); a limited code's room is
 *   spread over the nodes, which lend it to each other (proxy/sql/codes.sql);
 * - reports are unions over the nodes.
 *
 * Internal functions live in schema promo_draw_proxy.  Nothing is stored
 * here: the proxy holds no data of its own, so it can be recreated, or
 * several proxies can serve one cluster.
 */
CREATE SCHEMA promo_draw_proxy;
COMMENT ON SCHEMA promo_draw_proxy IS 'promo_draw_proxy''s routing functions: not for applications';
COMMENT ON SCHEMA promo_draw IS
	'promo_draw on a sharded deployment: the functions and reports of promo_draw, run on the shards of promo_draw_shards';

-- the number of nodes: the partitions p0, p1, ... of the server
CREATE FUNCTION promo_draw_proxy.nodes() RETURNS integer
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT count(*)::integer
	FROM pg_foreign_server s, pg_options_to_table(s.srvoptions) o
	WHERE s.srvname = 'promo_draw_shards' AND o.option_name ~ '^p[0-9]+$'
$$;
COMMENT ON FUNCTION promo_draw_proxy.nodes() IS
	'how many nodes the cluster promo_draw_shards has (its options p0, p1, ...)';

CREATE FUNCTION promo_draw_proxy.modular() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT EXISTS (SELECT FROM pg_foreign_server s, pg_options_to_table(s.srvoptions) o
	               WHERE s.srvname = 'promo_draw_shards'
	                 AND o.option_name = 'modular_mapping' AND o.option_value = '1')
$$;
COMMENT ON FUNCTION promo_draw_proxy.modular() IS
	'whether promo_draw_shards maps hashes to nodes by modulus (modular_mapping) rather than by bit mask';

-- The node of a customer, as PL/Proxy maps hashint8(customer_id) for RUN
-- ON: given the number of nodes and the mapping, it is inlined into its
-- caller (no SET clause, no subquery), so a batch costs no catalog reads.
CREATE FUNCTION promo_draw_proxy.node_of(customer_id bigint, nodes integer, modular boolean)
RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
	SELECT CASE WHEN modular
	            THEN pg_catalog.abs(pg_catalog.hashint8(customer_id) OPERATOR(pg_catalog.%) nodes)
	            ELSE pg_catalog.hashint8(customer_id) OPERATOR(pg_catalog.&) (nodes OPERATOR(pg_catalog.-) 1) END
$$;
COMMENT ON FUNCTION promo_draw_proxy.node_of(bigint, integer, boolean) IS
	'the node of a customer among nodes nodes, with bit-mask or modular mapping';

CREATE FUNCTION promo_draw_proxy.node_of(customer_id bigint) RETURNS integer
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT promo_draw_proxy.node_of(customer_id, promo_draw_proxy.nodes(), promo_draw_proxy.modular())
$$;
COMMENT ON FUNCTION promo_draw_proxy.node_of(bigint) IS
	'the node that holds a customer: the one hashint8(customer_id) maps to';

-- a bonus_id made on node k of n is k + 1 modulo n
CREATE FUNCTION promo_draw_proxy.node_of_bonus(bonus_id bigint) RETURNS integer
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT ((bonus_id - 1) % promo_draw_proxy.nodes())::integer
$$;
COMMENT ON FUNCTION promo_draw_proxy.node_of_bonus(bigint) IS
	'the node that made a bonus_id (ids are interleaved by node)';

/*
 * Row types of what the shards return; the views in promo_draw of the
 * same names are unions over the nodes.
 */
CREATE TYPE promo_draw_proxy.draw_row AS (
	node integer, draw_id bigint, name text, opens_at timestamptz, closes_at timestamptz,
	draw_at timestamptz, status text, partitions integer, max_wins_per_customer integer,
	stake_per_ticket numeric, min_stake numeric, max_tickets_per_customer bigint,
	milestones integer[], requires_opt_in boolean, default_prize text, lose_message text,
	eligibility text, eligibility_identity text, seed_hash bytea, created_by text,
	created_at timestamptz, ready_at timestamptz, drawn_at timestamptz, participants bigint,
	tickets_total numeric, cancelled_at timestamptz, cancel_reason text, failed_runs integer,
	last_error text, last_error_at timestamptz, sealed boolean, beacon_source text,
	entry_digest bytea, sealed_at timestamptz, beacon bytea, beacon_reference text,
	beacon_at timestamptz);
COMMENT ON TYPE promo_draw_proxy.draw_row IS 'a draw''s row on one node, without its seed';
