
/*
 * Instant wins, bonuses and customer messages on a sharded deployment.
 *
 * An instant win exists on every node with the same id, and its pool is
 * split between the nodes: add_instant_prizes gives each node its share of
 * the units (node 0 the first of any remainder), and each node shuffles
 * its part.  A customer plays on their own node, against that node's part.
 * Bonuses live on their customer's node; a bonus_id names its node.
 */

CREATE FUNCTION promo_draw.create_instant_win(name text, starts_at timestamptz, ends_at timestamptz)
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_id bigint;
BEGIN
	PERFORM promo_draw_proxy.check_nodes();
	v_id := promo_draw_proxy.create_instant_win_on_0(name, starts_at, ends_at);
	PERFORM count(*) FROM promo_draw_proxy.put_instant_win_on_all(
		promo_draw_proxy.instant_win_definition_on_0(v_id));
	RETURN v_id;
END
$$;
COMMENT ON FUNCTION promo_draw.create_instant_win(text, timestamptz, timestamptz) IS
	'create an instant win on every node; returns its id';

CREATE FUNCTION promo_draw.add_instant_prizes(instant_win_id bigint, prize text, quantity integer)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_nodes integer := promo_draw_proxy.check_nodes();
	v_share integer;
BEGIN
	IF quantity IS NULL OR quantity < 1 THEN
		-- node 0 refuses it with its own error
		PERFORM promo_draw_proxy.add_instant_prizes_on(0, instant_win_id, prize, quantity);
		RETURN;
	END IF;
	FOR k IN 0 .. v_nodes - 1 LOOP
		v_share := quantity / v_nodes + CASE WHEN k < quantity % v_nodes THEN 1 ELSE 0 END;
		IF v_share > 0 THEN
			PERFORM promo_draw_proxy.add_instant_prizes_on(k, instant_win_id, prize, v_share);
		END IF;
	END LOOP;
END
$$;
COMMENT ON FUNCTION promo_draw.add_instant_prizes(bigint, text, integer) IS
	'add quantity units of a prize (NULL: losing units) to an instant win''s pool, split between the nodes';

CREATE FUNCTION promo_draw.shuffle_instant_win(instant_win_id bigint) RETURNS bigint
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT sum(u)::bigint FROM promo_draw_proxy.shuffle_instant_win_on_all(instant_win_id) u
$$;
COMMENT ON FUNCTION promo_draw.shuffle_instant_win(bigint) IS
	'shuffle every node''s part of an instant win''s pool now; returns the units in the pool';

CREATE FUNCTION promo_draw.expire_bonuses() RETURNS integer
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT coalesce(sum(n), 0)::integer FROM promo_draw_proxy.expire_bonuses_on_all() n
$$;
COMMENT ON FUNCTION promo_draw.expire_bonuses() IS
	'end every active bonus past its expiry, on every node; returns how many';

CREATE VIEW promo_draw.notification AS
SELECT * FROM promo_draw_proxy.notification_rows(NULL);
COMMENT ON VIEW promo_draw.notification IS 'the customer messages of every node';

CREATE FUNCTION promo_draw.take_notifications(max_count integer DEFAULT 100)
	RETURNS SETOF promo_draw.notification
	LANGUAGE sql VOLATILE STRICT SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp
AS $$
	-- each node hands out its share of max_count
	SELECT * FROM promo_draw_proxy.take_notifications_on_all(max_count) n
	ORDER BY n.created_at, n.notification_id
$$;
COMMENT ON FUNCTION promo_draw.take_notifications(integer) IS
	'hand out up to max_count undelivered customer messages of every node and mark them delivered; concurrent consumers never get the same one';
