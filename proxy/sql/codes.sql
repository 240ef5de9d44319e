
/*
 * Promotion codes on a sharded deployment.
 *
 * A code exists on every node.  A limited code's limit is spread over the
 * nodes (each node's part spread over its counters as on a single node),
 * and a customer redeems on their own node.  When that node's part is used
 * up, the proxy borrows room for it from another node:
 *
 *   1. the lender gives at most half of its free room (at least one place)
 *      and records the transfer (direction 'out', a new transfer_id), in
 *      one transaction of its own;
 *   2. the borrower takes the room in and records the same transfer_id
 *      ('in'), once: a transfer_id taken in twice adds nothing.
 *
 * Room is thus only ever moved, never made: the nodes' capacities add up
 * to the limit at all times, less whatever is between steps 1 and 2.  A
 * redeemer that finds no room first completes every transfer still between
 * the two steps (a proxy may have stopped there), then asks every other
 * node, and refuses (PD014) only when no node has free room.  A node that
 * is down cannot lend: its room waits for it, and a redeemer who would
 * need it is refused with PL/Proxy's error for that node.
 */

CREATE VIEW promo_draw.redemption AS
SELECT * FROM promo_draw_proxy.redemption_rows();
COMMENT ON VIEW promo_draw.redemption IS 'the redemptions of every node';

CREATE FUNCTION promo_draw.create_code(code text, starts_at timestamptz, ends_at timestamptz,
	max_redemptions bigint DEFAULT NULL, reward jsonb DEFAULT '{}')
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_nodes integer := promo_draw_proxy.check_nodes();
BEGIN
	-- node 0 first: it checks the arguments, and a code that exists
	FOR k IN 0 .. v_nodes - 1 LOOP
		PERFORM promo_draw_proxy.put_code_on(k, create_code.code, create_code.starts_at,
			create_code.ends_at, create_code.max_redemptions, create_code.reward,
			create_code.max_redemptions / v_nodes
			+ CASE WHEN k < create_code.max_redemptions % v_nodes THEN 1 ELSE 0 END);
	END LOOP;
END
$$;
COMMENT ON FUNCTION promo_draw.create_code(text, timestamptz, timestamptz, bigint, jsonb) IS
	'create a promotion code on every node, its limit spread over the nodes';

CREATE FUNCTION promo_draw.create_codes(prefix text, n integer, starts_at timestamptz,
	ends_at timestamptz, reward jsonb DEFAULT '{}')
RETURNS SETOF text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_nodes integer := promo_draw_proxy.check_nodes();
	v_codes text[];
BEGIN
	-- node 0 makes them and holds their one place each
	SELECT array_agg(c) INTO v_codes
	FROM promo_draw_proxy.create_codes_on_0(prefix, n, starts_at, ends_at, reward) c;
	FOR k IN 1 .. v_nodes - 1 LOOP
		PERFORM promo_draw_proxy.put_codes_on(k, v_codes, starts_at, ends_at, reward);
	END LOOP;
	RETURN QUERY SELECT unnest(v_codes);
END
$$;
COMMENT ON FUNCTION promo_draw.create_codes(text, integer, timestamptz, timestamptz, jsonb) IS
	'create n single-use codes on every node (node 0 holds their places); returns them';

CREATE FUNCTION promo_draw_proxy.settle_code_transfers(code text DEFAULT NULL) RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_settled integer := 0;
	t record;
BEGIN
	FOR t IN
		WITH x AS (SELECT * FROM promo_draw_proxy.code_transfers_on_all(settle_code_transfers.code))
		SELECT o.node, o.transfer_id, o.code, o.amount, o.peer FROM x o
		WHERE o.direction = 'out'
		  AND NOT EXISTS (SELECT FROM x i WHERE i.direction = 'in' AND i.transfer_id = o.transfer_id)
	LOOP
		IF promo_draw_proxy.accept_code_room_on(t.peer, t.code, t.transfer_id, t.amount, t.node) THEN
			v_settled := v_settled + 1;
		END IF;
	END LOOP;
	RETURN v_settled;
END
$$;
COMMENT ON FUNCTION promo_draw_proxy.settle_code_transfers(text) IS
	'complete the transfers of code room a lender recorded and its borrower did not (of one code, or all); returns how many';

-- borrow room of a code for node to_node from the other nodes; returns how much
CREATE FUNCTION promo_draw_proxy.borrow_code_room(code text, to_node integer) RETURNS bigint
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_nodes integer := promo_draw_proxy.nodes();
	v_start integer := (random() * v_nodes)::integer;
	v_transfer uuid;
	v_got bigint;
	v_node integer;
BEGIN
	IF promo_draw_proxy.settle_code_transfers(code) > 0 THEN
		RETURN 1;	-- room in transit arrived: try again
	END IF;
	FOR i IN 0 .. v_nodes - 1 LOOP
		v_node := (v_start + i) % v_nodes;
		CONTINUE WHEN v_node = to_node;
		v_transfer := gen_random_uuid();
		v_got := promo_draw_proxy.lend_code_room_on(v_node, code, 1000000000, v_transfer, to_node);
		IF v_got > 0 THEN
			PERFORM promo_draw_proxy.accept_code_room_on(to_node, code, v_transfer, v_got, v_node);
			RETURN v_got;
		END IF;
	END LOOP;
	RETURN 0;
END
$$;
COMMENT ON FUNCTION promo_draw_proxy.borrow_code_room(text, integer) IS
	'move free room of a code from another node to to_node (after completing transfers in transit); returns the places moved';

CREATE FUNCTION promo_draw.redeem(code text, customer_id bigint)
RETURNS promo_draw.redemption
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_node integer;
	r promo_draw.redemption;
BEGIN
	IF redeem.code IS NULL OR redeem.customer_id IS NULL THEN
		-- the customer's node would raise the same error
		SELECT * INTO r FROM promo_draw_proxy.redeem_on(0, redeem.code, redeem.customer_id);
		RETURN r;
	END IF;
	v_node := promo_draw_proxy.node_of(redeem.customer_id);
	LOOP
		SELECT * INTO r FROM promo_draw_proxy.redeem_on(v_node, redeem.code, redeem.customer_id);
		IF FOUND THEN
			RETURN r;
		END IF;
		-- this node's part is used up: borrow, or refuse when no node has room
		IF promo_draw_proxy.borrow_code_room(redeem.code, v_node) = 0 THEN
			RAISE EXCEPTION 'promotion code % is exhausted', upper(btrim(redeem.code))
				USING ERRCODE = 'PD014',
				      DETAIL = 'No node has a place left under its limit.';
		END IF;
	END LOOP;
END
$$;
COMMENT ON FUNCTION promo_draw.redeem(text, bigint) IS
	'redeem a promotion code for a customer on their node, once, inside its window and limit (room borrowed from other nodes); returns the redemption';

CREATE VIEW promo_draw.code_summary AS
SELECT c.code, max(c.starts_at) AS starts_at, max(c.ends_at) AS ends_at,
       max(c.max_redemptions) AS max_redemptions, sum(c.redeemed)::bigint AS redeemed,
       sum(c.cancelled)::bigint AS cancelled,
       max(c.max_redemptions) - coalesce(sum(c.used), 0) AS remaining,
       (array_agg(c.reward))[1] AS reward
FROM promo_draw_proxy.code_counts_on_all() c
GROUP BY c.code;
COMMENT ON VIEW promo_draw.code_summary IS
	'one row per promotion code, over every node: redemptions, cancellations and places left under the limit';

/*
 * What reporting roles read, as on one node: single-use codes without
 * their random part (code_label).  The counts are added up over the nodes
 * with the codes whole, then labelled, so the function that reads them
 * runs with the extension owner's rights: reporting roles get it and not
 * the functions beneath it, which show the codes whole.
 */
CREATE FUNCTION promo_draw_proxy.code_report_rows(
	OUT code_label text, OUT single_use boolean, OUT starts_at timestamptz, OUT ends_at timestamptz,
	OUT max_redemptions bigint, OUT redeemed bigint, OUT cancelled bigint, OUT remaining numeric,
	OUT reward jsonb)
RETURNS SETOF record
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT promo_draw.code_label(s.code, s.max_redemptions), s.max_redemptions = 1, s.starts_at,
	       s.ends_at, s.max_redemptions, s.redeemed, s.cancelled, s.remaining, s.reward
	FROM promo_draw.code_summary s
$$;
COMMENT ON FUNCTION promo_draw_proxy.code_report_rows() IS
	'code_summary with single-use codes labelled, for code_report';

CREATE VIEW promo_draw.code_report AS
SELECT * FROM promo_draw_proxy.code_report_rows();
COMMENT ON VIEW promo_draw.code_report IS
	'code_summary over every node for reporting roles: single-use codes are shown without their last 12 characters';

CREATE VIEW promo_draw.redemption_report AS
SELECT * FROM promo_draw_proxy.redemption_report_rows();
COMMENT ON VIEW promo_draw.redemption_report IS
	'every redemption on every node, valid, cancelled and archived, for reporting roles: single-use codes are shown without their last 12 characters';
