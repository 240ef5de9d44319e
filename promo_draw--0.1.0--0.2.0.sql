-- promo_draw 0.1.0 -> 0.2.0: promotion codes, instant wins and playthrough
-- bonuses.  Only adds objects; nothing of 0.1.0 changes.

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION promo_draw UPDATE TO '0.2.0'" to load this file. \quit

/*
 * Claiming one of several interchangeable rows (a place of a code's limit,
 * a unit of an instant win's pool) without queueing behind other
 * claimers: see src/claim.c.
 */
CREATE FUNCTION promo_draw.claim_row(tab regclass, candidates tid[]) RETURNS tid
	AS 'MODULE_PATHNAME', 'claim_row'
	LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
COMMENT ON FUNCTION promo_draw.claim_row(regclass, tid[]) IS
	'internal: lock the first candidate row version no one else holds (or wait for the first held one); its tid, or NULL';

CREATE FUNCTION promo_draw.claim_code_place(code text, shards integer) RETURNS integer
	AS 'MODULE_PATHNAME', 'claim_code_place'
	LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
COMMENT ON FUNCTION promo_draw.claim_code_place(text, integer) IS
	'internal: take one place of a limited code from a shard no one else holds (or wait for one); the shard, or NULL when none has room';

/*
 * Promotion codes: redeemed once per customer inside their window, with an
 * exact limit that never serializes redeemers on one row.
 *
 * A limited code's capacity is split across up to 32 code_shard rows whose
 * capacities add up to the limit.  A redeemer takes one place from a shard
 * with room, starting at a shard of its own backend and passing over shards
 * other redeemers hold (claim_code_place); only when every shard with room
 * is held does it wait, for one of them.  So the units taken never add up to more
 * than the limit, a popular code has as many hot rows as shards, and its
 * redeemers rarely meet.  The code is exhausted when no shard has room in
 * what has committed.  An unlimited code touches no shared row at all:
 * redeeming it only inserts the redemption.
 */

CREATE TABLE promo_draw.promo_code (
	code text PRIMARY KEY CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{0,63}$'),
	starts_at timestamptz NOT NULL,
	ends_at timestamptz NOT NULL,
	max_redemptions bigint CHECK (max_redemptions > 0),
	reward jsonb NOT NULL DEFAULT '{}',
	shards integer NOT NULL DEFAULT 0 CHECK (shards BETWEEN 0 AND 32),
	created_at timestamptz NOT NULL DEFAULT now(),
	CHECK (starts_at < ends_at),
	CHECK ((max_redemptions IS NULL) = (shards = 0))
);
COMMENT ON TABLE promo_draw.promo_code IS
	'promotion codes, in upper case: redeemable once per customer in [starts_at, ends_at), at most max_redemptions times (NULL: no limit)';

CREATE TABLE promo_draw.code_shard (
	code text NOT NULL,
	shard integer NOT NULL,
	capacity bigint NOT NULL CHECK (capacity > 0),
	used bigint NOT NULL DEFAULT 0,
	PRIMARY KEY (code, shard),
	CHECK (used BETWEEN 0 AND capacity)
);
COMMENT ON TABLE promo_draw.code_shard IS
	'a limited code''s capacity in parts, so that redeemers do not queue on one counter; the capacities add up to max_redemptions';

-- The redemption's identity is (code, customer_id): once per customer.  A
-- cancelled redemption stays, marked, until the customer redeems again;
-- then it moves to redemption_history and the row is reused.
CREATE TABLE promo_draw.redemption (
	code text NOT NULL,
	customer_id bigint NOT NULL,
	redeemed_at timestamptz NOT NULL DEFAULT now(),
	cancelled_at timestamptz,
	shard integer,
	PRIMARY KEY (code, customer_id)
);
COMMENT ON TABLE promo_draw.redemption IS
	'one row per code and customer; cancelled_at is NULL while the redemption is valid';
COMMENT ON COLUMN promo_draw.redemption.shard IS 'the code_shard whose capacity it holds (NULL for an unlimited code)';

CREATE TABLE promo_draw.redemption_history (
	code text NOT NULL,
	customer_id bigint NOT NULL,
	redeemed_at timestamptz NOT NULL,
	cancelled_at timestamptz NOT NULL,
	archived_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX redemption_history_idx ON promo_draw.redemption_history (code, customer_id);
COMMENT ON TABLE promo_draw.redemption_history IS
	'cancelled redemptions of customers who redeemed the same code again, kept for audit';

SELECT pg_catalog.pg_extension_config_dump('promo_draw.promo_code', '');
SELECT pg_catalog.pg_extension_config_dump('promo_draw.code_shard', '');
SELECT pg_catalog.pg_extension_config_dump('promo_draw.redemption', '');
SELECT pg_catalog.pg_extension_config_dump('promo_draw.redemption_history', '');

CREATE FUNCTION promo_draw.random_code(length integer) RETURNS text
	AS 'MODULE_PATHNAME', 'random_code'
	LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION promo_draw.random_code(integer) IS
	'length (1 to 32) characters from pg_strong_random(), uniform over an alphabet without 0, O, 1, I and L';

CREATE FUNCTION promo_draw.normalize_code(code text) RETURNS text
	LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_code text := upper(code);
BEGIN
	IF v_code = '' THEN
		RAISE EXCEPTION 'a promotion code must not be empty' USING ERRCODE = 'invalid_parameter_value';
	ELSIF length(v_code) > 64 THEN
		RAISE EXCEPTION 'a promotion code must be at most 64 characters long'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = format('The code given is %s characters long.', length(v_code));
	ELSIF v_code !~ '^[A-Z0-9][A-Z0-9_-]*$' THEN
		RAISE EXCEPTION 'a promotion code may hold only letters, digits, "_" and "-"'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = format('The code given was %s; it must also start with a letter or digit.', quote_literal(code)),
			      HINT = 'Codes are case-insensitive: they are stored in upper case.';
	END IF;
	RETURN v_code;
END
$$;
COMMENT ON FUNCTION promo_draw.normalize_code(text) IS
	'a promotion code in upper case, or an error if it is empty, too long or has odd characters';

CREATE FUNCTION promo_draw.create_code(code text, starts_at timestamptz, ends_at timestamptz,
	max_redemptions bigint DEFAULT NULL, reward jsonb DEFAULT '{}')
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_code text;
	v_shards integer;
BEGIN
	IF code IS NULL OR starts_at IS NULL OR ends_at IS NULL OR reward IS NULL THEN
		RAISE EXCEPTION 'code, starts_at, ends_at and reward must not be null'
			USING ERRCODE = 'null_value_not_allowed', HINT = 'Leave max_redemptions NULL for no limit.';
	END IF;
	v_code := promo_draw.normalize_code(code);
	IF starts_at >= ends_at THEN
		RAISE EXCEPTION 'a code must start before it ends'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = format('starts_at is %s and ends_at is %s.', starts_at, ends_at);
	END IF;
	IF max_redemptions < 1 THEN
		RAISE EXCEPTION 'max_redemptions must be at least 1'
			USING ERRCODE = 'invalid_parameter_value', HINT = 'Leave it NULL for no limit.';
	END IF;
	v_shards := CASE WHEN max_redemptions IS NULL THEN 0 ELSE least(max_redemptions, 32) END;
	INSERT INTO promo_draw.promo_code (code, starts_at, ends_at, max_redemptions, reward, shards)
	VALUES (v_code, starts_at, ends_at, max_redemptions, reward, v_shards)
	ON CONFLICT DO NOTHING;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'promotion code % already exists', v_code
			USING ERRCODE = 'PD016', HINT = 'Codes are case-insensitive.';
	END IF;
	-- the limit in parts that add up to it exactly
	INSERT INTO promo_draw.code_shard (code, shard, capacity)
	SELECT v_code, s, max_redemptions / v_shards + CASE WHEN s < max_redemptions % v_shards THEN 1 ELSE 0 END
	FROM generate_series(0, v_shards - 1) s;
END
$$;
COMMENT ON FUNCTION promo_draw.create_code(text, timestamptz, timestamptz, bigint, jsonb) IS
	'create a promotion code (case-insensitive), active in [starts_at, ends_at), with an optional exact limit';

CREATE FUNCTION promo_draw.create_codes(prefix text, n integer, starts_at timestamptz,
	ends_at timestamptz, reward jsonb DEFAULT '{}')
RETURNS SETOF text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_prefix text;
	v_made bigint := 0;
	v_batch bigint;
BEGIN
	IF prefix IS NULL OR n IS NULL OR starts_at IS NULL OR ends_at IS NULL OR reward IS NULL THEN
		RAISE EXCEPTION 'create_codes arguments must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF n NOT BETWEEN 1 AND 1000000 THEN
		RAISE EXCEPTION 'n must be between 1 and 1000000'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = format('create_codes() was asked for %s codes.', n);
	END IF;
	IF starts_at >= ends_at THEN
		RAISE EXCEPTION 'a code must start before it ends'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = format('starts_at is %s and ends_at is %s.', starts_at, ends_at);
	END IF;
	v_prefix := CASE WHEN prefix = '' THEN '' ELSE promo_draw.normalize_code(prefix) END;
	IF length(v_prefix) > 52 THEN
		RAISE EXCEPTION 'the prefix must be at most 52 characters long'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = 'A generated code adds 12 random characters and may be 64 long.';
	END IF;

	-- 12 characters of 31 (59 bits) make repeats rare; any is drawn again
	WHILE v_made < n LOOP
		RETURN QUERY
		WITH made AS (
			INSERT INTO promo_draw.promo_code (code, starts_at, ends_at, max_redemptions, reward, shards)
			SELECT v_prefix || promo_draw.random_code(12), starts_at, ends_at, 1, reward, 1
			FROM generate_series(1, n - v_made)
			ON CONFLICT DO NOTHING
			RETURNING promo_code.code
		), shard AS (
			INSERT INTO promo_draw.code_shard (code, shard, capacity)
			SELECT made.code, 0, 1 FROM made
		)
		SELECT made.code FROM made;
		GET DIAGNOSTICS v_batch = ROW_COUNT;
		v_made := v_made + v_batch;
	END LOOP;
END
$$;
COMMENT ON FUNCTION promo_draw.create_codes(text, integer, timestamptz, timestamptz, jsonb) IS
	'create n (1 to 1,000,000) single-use codes: prefix and 12 random characters from pg_strong_random(); returns them';

CREATE FUNCTION promo_draw.redeem(code text, customer_id bigint)
RETURNS promo_draw.redemption
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_code text;
	v promo_draw.promo_code%ROWTYPE;
	v_shard integer;
	v_redeemed timestamptz;
	r promo_draw.redemption%ROWTYPE;
BEGIN
	IF redeem.code IS NULL OR redeem.customer_id IS NULL THEN
		RAISE EXCEPTION 'code and customer_id must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	v_code := promo_draw.normalize_code(redeem.code);
	SELECT * INTO v FROM promo_draw.promo_code c WHERE c.code = v_code;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'promotion code % does not exist', v_code USING ERRCODE = 'PD010';
	ELSIF now() < v.starts_at THEN
		RAISE EXCEPTION 'promotion code % is not active yet', v_code
			USING ERRCODE = 'PD011', DETAIL = format('It can be redeemed from %s.', v.starts_at);
	ELSIF now() >= v.ends_at THEN
		RAISE EXCEPTION 'promotion code % has expired', v_code
			USING ERRCODE = 'PD012', DETAIL = format('It could be redeemed until %s.', v.ends_at);
	END IF;

	SELECT rd.redeemed_at INTO v_redeemed FROM promo_draw.redemption rd
	WHERE rd.code = v_code AND rd.customer_id = redeem.customer_id AND rd.cancelled_at IS NULL;
	IF FOUND THEN
		RAISE EXCEPTION 'customer % has already redeemed promotion code %', redeem.customer_id, v_code
			USING ERRCODE = 'PD013', DETAIL = format('It was redeemed at %s.', v_redeemed);
	END IF;

	-- a place of the limit, from a shard no other redeemer holds
	IF v.max_redemptions IS NOT NULL THEN
		v_shard := promo_draw.claim_code_place(v_code, v.shards);
		IF v_shard IS NULL THEN
			-- a concurrent call for the same customer may have taken the last place
			SELECT rd.redeemed_at INTO v_redeemed FROM promo_draw.redemption rd
			WHERE rd.code = v_code AND rd.customer_id = redeem.customer_id AND rd.cancelled_at IS NULL;
			IF FOUND THEN
				RAISE EXCEPTION 'customer % has already redeemed promotion code %', redeem.customer_id, v_code
					USING ERRCODE = 'PD013', DETAIL = format('It was redeemed at %s.', v_redeemed);
			END IF;
			RAISE EXCEPTION 'promotion code % is exhausted', v_code
				USING ERRCODE = 'PD014',
				      DETAIL = format('All %s redemptions have been taken.', v.max_redemptions);
		END IF;
	END IF;

	INSERT INTO promo_draw.redemption (code, customer_id, shard)
	VALUES (v_code, redeem.customer_id, v_shard)
	ON CONFLICT ON CONSTRAINT redemption_pkey DO NOTHING
	RETURNING * INTO r;
	IF NOT FOUND THEN
		-- the pair exists: cancelled before (archive it and redeem again), or
		-- redeemed just now by a concurrent session
		WITH old AS (
			SELECT rd.* FROM promo_draw.redemption rd
			WHERE rd.code = v_code AND rd.customer_id = redeem.customer_id
			  AND rd.cancelled_at IS NOT NULL
			FOR UPDATE
		), archived AS (
			INSERT INTO promo_draw.redemption_history (code, customer_id, redeemed_at, cancelled_at)
			SELECT old.code, old.customer_id, old.redeemed_at, old.cancelled_at FROM old
		)
		UPDATE promo_draw.redemption rd
		SET redeemed_at = now(), cancelled_at = NULL, shard = v_shard
		FROM old
		WHERE rd.code = old.code AND rd.customer_id = old.customer_id
		RETURNING rd.* INTO r;
		IF NOT FOUND THEN
			RAISE EXCEPTION 'customer % has already redeemed promotion code %', redeem.customer_id, v_code
				USING ERRCODE = 'PD013', DETAIL = 'It was redeemed by a concurrent call.';
		END IF;
	END IF;
	RETURN r;
END
$$;
COMMENT ON FUNCTION promo_draw.redeem(text, bigint) IS
	'redeem a promotion code for a customer, once, inside its window and limit; returns the redemption';

CREATE FUNCTION promo_draw.cancel_redemption(code text, customer_id bigint) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_code text;
	v_shard integer;
BEGIN
	IF cancel_redemption.code IS NULL OR cancel_redemption.customer_id IS NULL THEN
		RAISE EXCEPTION 'code and customer_id must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	v_code := promo_draw.normalize_code(cancel_redemption.code);
	IF NOT EXISTS (SELECT FROM promo_draw.promo_code c WHERE c.code = v_code) THEN
		RAISE EXCEPTION 'promotion code % does not exist', v_code USING ERRCODE = 'PD010';
	END IF;
	UPDATE promo_draw.redemption rd SET cancelled_at = now()
	WHERE rd.code = v_code AND rd.customer_id = cancel_redemption.customer_id
	  AND rd.cancelled_at IS NULL
	RETURNING rd.shard INTO v_shard;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'customer % has no redemption of promotion code % to cancel',
			cancel_redemption.customer_id, v_code USING ERRCODE = 'PD015';
	END IF;
	IF v_shard IS NOT NULL THEN
		UPDATE promo_draw.code_shard s SET used = s.used - 1
		WHERE s.code = v_code AND s.shard = v_shard;
	END IF;
END
$$;
COMMENT ON FUNCTION promo_draw.cancel_redemption(text, bigint) IS
	'cancel a customer''s redemption (kept for audit), freeing its place under the limit; the customer may redeem again';

CREATE VIEW promo_draw.code_summary AS
SELECT c.code, c.starts_at, c.ends_at, c.max_redemptions,
       (SELECT count(*) FROM promo_draw.redemption r WHERE r.code = c.code AND r.cancelled_at IS NULL) AS redeemed,
       (SELECT count(*) FROM promo_draw.redemption r WHERE r.code = c.code AND r.cancelled_at IS NOT NULL)
       + (SELECT count(*) FROM promo_draw.redemption_history h WHERE h.code = c.code) AS cancelled,
       c.max_redemptions - (SELECT coalesce(sum(s.used), 0) FROM promo_draw.code_shard s WHERE s.code = c.code) AS remaining,
       c.reward
FROM promo_draw.promo_code c;
COMMENT ON VIEW promo_draw.code_summary IS
	'one row per promotion code: valid and cancelled redemptions, and what remains of its limit';

/*
 * Instant wins: a pool of prize units (and losing units), shuffled once
 * with pg_strong_random() before the first play (by shuffle_instant_win, or
 * by the first play itself); each play claims the next unclaimed unit in
 * shuffled order, passing over units held by plays in flight (claim_row).
 * A customer plays once.  Who wins is fixed by the shuffle: the pool's
 * order is readable only by the extension owner.
 */

CREATE TABLE promo_draw.instant_win (
	instant_win_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	starts_at timestamptz NOT NULL,
	ends_at timestamptz NOT NULL,
	shuffled_at timestamptz,
	created_at timestamptz NOT NULL DEFAULT now(),
	CHECK (starts_at < ends_at)
);
COMMENT ON TABLE promo_draw.instant_win IS
	'an instant-win game: a pool of units shuffled once, before the first play (shuffled_at)';

CREATE TABLE promo_draw.instant_prize (
	instant_win_id bigint NOT NULL REFERENCES promo_draw.instant_win,
	unit bigint NOT NULL,
	position bigint,
	prize text,
	customer_id bigint,
	claimed_at timestamptz,
	PRIMARY KEY (instant_win_id, unit),
	CHECK ((customer_id IS NULL) = (claimed_at IS NULL))
);
CREATE UNIQUE INDEX instant_prize_position_idx ON promo_draw.instant_prize (instant_win_id, position);
CREATE INDEX instant_prize_unclaimed_idx ON promo_draw.instant_prize (instant_win_id, position)
	WHERE customer_id IS NULL;
COMMENT ON TABLE promo_draw.instant_prize IS
	'the units of an instant win''s pool (prize NULL: a losing unit), in shuffled position order once shuffled';

CREATE TABLE promo_draw.instant_play (
	instant_win_id bigint NOT NULL,
	customer_id bigint NOT NULL,
	played_at timestamptz NOT NULL DEFAULT now(),
	unit bigint,
	prize text,
	outcome text NOT NULL CHECK (outcome IN ('won', 'lost', 'exhausted')),
	PRIMARY KEY (instant_win_id, customer_id)
);
COMMENT ON TABLE promo_draw.instant_play IS
	'one play per customer and instant win, with the unit it claimed (none when the pool was exhausted)';

SELECT pg_catalog.pg_extension_config_dump('promo_draw.instant_win', '');
SELECT pg_catalog.pg_extension_config_dump('promo_draw.instant_win_instant_win_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('promo_draw.instant_prize', '');
SELECT pg_catalog.pg_extension_config_dump('promo_draw.instant_play', '');

CREATE FUNCTION promo_draw.random_permutation(n bigint)
	RETURNS TABLE (item bigint, slot bigint)
	AS 'MODULE_PATHNAME', 'random_permutation'
	LANGUAGE C VOLATILE STRICT PARALLEL SAFE
	ROWS 1000;
COMMENT ON FUNCTION promo_draw.random_permutation(bigint) IS
	'a uniformly random permutation of 1 .. n (n up to 10,000,000): Fisher-Yates over unbiased draws from pg_strong_random()';

CREATE FUNCTION promo_draw.create_instant_win(name text, starts_at timestamptz, ends_at timestamptz)
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_id bigint;
BEGIN
	IF name IS NULL OR starts_at IS NULL OR ends_at IS NULL THEN
		RAISE EXCEPTION 'name, starts_at and ends_at must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF length(name) NOT BETWEEN 1 AND 200 THEN
		RAISE EXCEPTION 'an instant win''s name must be 1 to 200 characters long'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF starts_at >= ends_at THEN
		RAISE EXCEPTION 'an instant win must start before it ends'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = format('starts_at is %s and ends_at is %s.', starts_at, ends_at);
	END IF;
	INSERT INTO promo_draw.instant_win (name, starts_at, ends_at)
	VALUES (name, starts_at, ends_at)
	RETURNING instant_win.instant_win_id INTO v_id;
	RETURN v_id;
END
$$;
COMMENT ON FUNCTION promo_draw.create_instant_win(text, timestamptz, timestamptz) IS
	'create an instant-win game played in [starts_at, ends_at); returns its id';

CREATE FUNCTION promo_draw.add_instant_prizes(instant_win_id bigint, prize text, quantity integer)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v promo_draw.instant_win%ROWTYPE;
	v_units bigint;
BEGIN
	IF add_instant_prizes.instant_win_id IS NULL OR quantity IS NULL THEN
		RAISE EXCEPTION 'instant_win_id and quantity must not be null'
			USING ERRCODE = 'null_value_not_allowed', HINT = 'A NULL prize adds losing units.';
	END IF;
	IF quantity NOT BETWEEN 1 AND 10000000 THEN
		RAISE EXCEPTION 'quantity must be between 1 and 10000000'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = format('The quantity given was %s.', quantity);
	END IF;
	IF prize = '' THEN
		RAISE EXCEPTION 'a prize must not be empty'
			USING ERRCODE = 'invalid_parameter_value', HINT = 'A NULL prize adds losing units.';
	END IF;
	-- the row lock orders this with the shuffle of the first play
	SELECT * INTO v FROM promo_draw.instant_win w
	WHERE w.instant_win_id = add_instant_prizes.instant_win_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'instant win % does not exist', add_instant_prizes.instant_win_id
			USING ERRCODE = 'PD020';
	ELSIF v.shuffled_at IS NOT NULL THEN
		RAISE EXCEPTION 'the pool of instant win % is already shuffled', add_instant_prizes.instant_win_id
			USING ERRCODE = 'PD024',
			      DETAIL = format('The first play shuffled it at %s; units cannot be added after.', v.shuffled_at);
	END IF;
	SELECT count(*) INTO v_units FROM promo_draw.instant_prize p
	WHERE p.instant_win_id = add_instant_prizes.instant_win_id;
	IF v_units + quantity > 10000000 THEN
		RAISE EXCEPTION 'a pool holds at most 10000000 units'
			USING ERRCODE = 'program_limit_exceeded',
			      DETAIL = format('It holds %s already.', v_units);
	END IF;
	INSERT INTO promo_draw.instant_prize (instant_win_id, unit, prize)
	SELECT add_instant_prizes.instant_win_id, v_units + g, prize
	FROM generate_series(1, quantity) g;
END
$$;
COMMENT ON FUNCTION promo_draw.add_instant_prizes(bigint, text, integer) IS
	'add quantity units of a prize (NULL: losing units) to an instant win''s pool, before its first play';

CREATE FUNCTION promo_draw.shuffle_instant_win(instant_win_id bigint) RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v promo_draw.instant_win%ROWTYPE;
	v_units bigint;
BEGIN
	IF shuffle_instant_win.instant_win_id IS NULL THEN
		RAISE EXCEPTION 'instant_win_id must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	-- the row lock orders the shuffle with add_instant_prizes and other plays
	SELECT * INTO v FROM promo_draw.instant_win w
	WHERE w.instant_win_id = shuffle_instant_win.instant_win_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'instant win % does not exist', shuffle_instant_win.instant_win_id
			USING ERRCODE = 'PD020';
	END IF;
	SELECT count(*) INTO v_units FROM promo_draw.instant_prize p
	WHERE p.instant_win_id = v.instant_win_id;
	IF v.shuffled_at IS NULL THEN
		UPDATE promo_draw.instant_prize p SET position = s.slot
		FROM promo_draw.random_permutation(v_units) s
		WHERE p.instant_win_id = v.instant_win_id AND p.unit = s.item;
		UPDATE promo_draw.instant_win w SET shuffled_at = now()
		WHERE w.instant_win_id = v.instant_win_id;
	END IF;
	RETURN v_units;
END
$$;
COMMENT ON FUNCTION promo_draw.shuffle_instant_win(bigint) IS
	'shuffle an instant win''s pool now (once; later calls change nothing) so that the first play need not; returns the units in the pool';

CREATE FUNCTION promo_draw.instant_win(instant_win_id bigint, customer_id bigint)
RETURNS TABLE (prize text, outcome text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_variable
DECLARE
	v_id bigint := instant_win.instant_win_id;
	v_customer bigint := instant_win.customer_id;
	v promo_draw.instant_win%ROWTYPE;
	v_played promo_draw.instant_play%ROWTYPE;
	v_unit bigint;
	v_prize text;
	v_outcome text;
	v_open bigint;
	v_tid tid;
BEGIN
	IF v_id IS NULL OR v_customer IS NULL THEN
		RAISE EXCEPTION 'instant_win_id and customer_id must not be null'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT * INTO v FROM promo_draw.instant_win w WHERE w.instant_win_id = v_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'instant win % does not exist', v_id USING ERRCODE = 'PD020';
	ELSIF now() < v.starts_at THEN
		RAISE EXCEPTION 'instant win % has not started', v_id
			USING ERRCODE = 'PD021', DETAIL = format('It opens at %s.', v.starts_at);
	ELSIF now() >= v.ends_at THEN
		RAISE EXCEPTION 'instant win % has ended', v_id
			USING ERRCODE = 'PD022', DETAIL = format('It closed at %s.', v.ends_at);
	END IF;

	-- once per customer: the play's key decides, even between concurrent plays
	INSERT INTO promo_draw.instant_play (instant_win_id, customer_id, outcome)
	VALUES (v_id, v_customer, 'exhausted')
	ON CONFLICT DO NOTHING;
	IF NOT FOUND THEN
		SELECT * INTO v_played FROM promo_draw.instant_play p
		WHERE p.instant_win_id = v_id AND p.customer_id = v_customer;
		RAISE EXCEPTION 'customer % has already played instant win %', v_customer, v_id
			USING ERRCODE = 'PD023',
			      DETAIL = format('They played at %s: %s.', v_played.played_at, v_played.outcome);
	END IF;

	-- the pool is shuffled once, before the first unit is handed out
	IF v.shuffled_at IS NULL THEN
		PERFORM promo_draw.shuffle_instant_win(v_id);
	END IF;

	-- the next unit no other player holds: players pass over units claimed
	-- by plays in flight, and wait only when every unit left is held
	LOOP
		SELECT count(*), promo_draw.claim_row('promo_draw.instant_prize',
		           array_agg(c.ctid ORDER BY c.position))
		INTO v_open, v_tid
		FROM (SELECT p.ctid, p.position FROM promo_draw.instant_prize p
		      WHERE p.instant_win_id = v_id AND p.customer_id IS NULL
		      ORDER BY p.position LIMIT 32) c;
		IF v_open = 0 THEN
			RETURN QUERY SELECT NULL::text, 'exhausted'::text;
			RETURN;
		END IF;
		-- NULL: every unit read was claimed meanwhile; read them again
		IF v_tid IS NOT NULL THEN
			UPDATE promo_draw.instant_prize p SET customer_id = v_customer, claimed_at = now()
			WHERE p.ctid = v_tid AND p.instant_win_id = v_id AND p.customer_id IS NULL
			RETURNING p.unit, p.prize INTO v_unit, v_prize;
			EXIT WHEN FOUND;
		END IF;
	END LOOP;

	v_outcome := CASE WHEN v_prize IS NULL THEN 'lost' ELSE 'won' END;
	UPDATE promo_draw.instant_play p SET unit = v_unit, prize = v_prize, outcome = v_outcome
	WHERE p.instant_win_id = v_id AND p.customer_id = v_customer;
	IF v_outcome = 'won' THEN
		INSERT INTO promo_draw.notification (customer_id, kind, payload)
		VALUES (v_customer, 'instant_win',
		        jsonb_build_object('instant_win_id', v_id, 'instant_win', v.name, 'prize', v_prize));
	END IF;
	RETURN QUERY SELECT v_prize, v_outcome;
END
$$;
COMMENT ON FUNCTION promo_draw.instant_win(bigint, bigint) IS
	'play an instant win once: claims the next unit of the shuffled pool; (prize, ''won''), (NULL, ''lost'') or (NULL, ''exhausted'')';

CREATE VIEW promo_draw.instant_win_summary AS
SELECT w.instant_win_id, w.name, w.starts_at, w.ends_at, w.shuffled_at,
       count(p.unit) AS units,
       count(p.prize) AS prize_units,
       count(p.customer_id) AS claimed,
       count(p.customer_id) FILTER (WHERE p.prize IS NOT NULL) AS won,
       count(p.prize) FILTER (WHERE p.customer_id IS NULL) AS prizes_left
FROM promo_draw.instant_win w
LEFT JOIN promo_draw.instant_prize p ON p.instant_win_id = w.instant_win_id
GROUP BY w.instant_win_id;
COMMENT ON VIEW promo_draw.instant_win_summary IS
	'one row per instant win: units, prize units, units claimed, prizes won and left';

/*
 * Playthrough (wagering) bonuses.  A bonus of amount A with playthrough P
 * turns into cash once A x P has been wagered.  Every bet and win is an
 * event of the bonus; a bet_id seen before changes nothing, so game servers
 * may deliver at least once.  The status moves one way, from active to
 * cleared, lost, expired or forfeited.  Each change to a bonus holds its
 * row lock, so concurrent bets can neither overdraw it nor count twice.
 *
 * A bet with a bet_id stays open until its win arrives (a win of 0 settles
 * a losing bet): a bonus whose balance no longer covers a stake is lost
 * only once no bet is open, so that the win of its last bet still counts.
 */

CREATE TABLE promo_draw.bonus (
	bonus_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	customer_id bigint NOT NULL,
	amount numeric NOT NULL CHECK (amount > 0),
	playthrough numeric NOT NULL CHECK (playthrough >= 0),
	required numeric NOT NULL,
	min_stake numeric NOT NULL DEFAULT 0 CHECK (min_stake >= 0),
	balance numeric NOT NULL CHECK (balance >= 0),
	wagered numeric NOT NULL DEFAULT 0 CHECK (wagered >= 0),
	open_bets bigint NOT NULL DEFAULT 0 CHECK (open_bets >= 0),
	status text NOT NULL DEFAULT 'active'
		CHECK (status IN ('active', 'cleared', 'lost', 'expired', 'forfeited')),
	granted_at timestamptz NOT NULL DEFAULT now(),
	expires_at timestamptz,
	ended_at timestamptz,
	forfeit_reason text,
	CHECK ((status = 'active') = (ended_at IS NULL)),
	CHECK ((status = 'forfeited') = (forfeit_reason IS NOT NULL)),
	CHECK (expires_at > granted_at)
);
CREATE INDEX bonus_customer_idx ON promo_draw.bonus (customer_id);
CREATE INDEX bonus_expiring_idx ON promo_draw.bonus (expires_at) WHERE status = 'active';
COMMENT ON TABLE promo_draw.bonus IS
	'wagering bonuses: balance, wagered against required (amount x playthrough), and a status that moves one way from active';
COMMENT ON COLUMN promo_draw.bonus.status IS
	'active, cleared (balance withdrawable), lost, expired or forfeited; an active bonus past expires_at counts as expired';
COMMENT ON COLUMN promo_draw.bonus.open_bets IS
	'bets with a bet_id whose win has not arrived yet';

CREATE TABLE promo_draw.bonus_event (
	event_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	bonus_id bigint NOT NULL REFERENCES promo_draw.bonus,
	kind text NOT NULL CHECK (kind IN ('bet', 'win')),
	bet_id text CHECK (length(bet_id) BETWEEN 1 AND 200),
	stake numeric,
	contribution numeric,
	amount numeric,
	balance_after numeric NOT NULL,
	wagered_after numeric NOT NULL,
	status_after text NOT NULL,
	at timestamptz NOT NULL DEFAULT now(),
	UNIQUE (bonus_id, kind, bet_id),
	CHECK ((kind = 'bet') = (stake IS NOT NULL AND contribution IS NOT NULL AND amount IS NULL))
);
COMMENT ON TABLE promo_draw.bonus_event IS
	'every bet and win applied to a bonus, with the state after it; (bonus, kind, bet_id) is applied once';

SELECT pg_catalog.pg_extension_config_dump('promo_draw.bonus', '');
SELECT pg_catalog.pg_extension_config_dump('promo_draw.bonus_bonus_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('promo_draw.bonus_event', '');
SELECT pg_catalog.pg_extension_config_dump('promo_draw.bonus_event_event_id_seq', '');

CREATE FUNCTION promo_draw.playthrough_required(amount numeric, playthrough numeric) RETURNS numeric
	AS 'MODULE_PATHNAME', 'playthrough_required'
	LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION promo_draw.playthrough_required(numeric, numeric) IS
	'the wagering a bonus requires, amount x playthrough, after checking both against promo_draw.max_playthrough';

CREATE FUNCTION promo_draw.playthrough_expected_balance(amount numeric, playthrough numeric,
	payout_rate numeric) RETURNS numeric
	AS 'MODULE_PATHNAME', 'playthrough_expected_balance'
	LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION promo_draw.playthrough_expected_balance(numeric, numeric, numeric) IS
	'what a bonus is worth on average: max(0, amount - amount x playthrough x (1 - payout_rate))';

CREATE FUNCTION promo_draw.simulate_playthrough(amount numeric, playthrough numeric,
	payout_rate numeric, stake numeric, trials integer DEFAULT 1, volatility numeric DEFAULT 0,
	seed bigint DEFAULT NULL)
	RETURNS TABLE (mean_balance numeric, clear_rate numeric, p05_balance numeric, p95_balance numeric)
	AS 'MODULE_PATHNAME', 'simulate_playthrough'
	LANGUAGE C VOLATILE PARALLEL SAFE ROWS 1;
COMMENT ON FUNCTION promo_draw.simulate_playthrough(numeric, numeric, numeric, numeric, integer, numeric, bigint) IS
	'play a bonus through with bets of stake, trials times: mean final balance, share cleared, 5th and 95th percentile balances';

-- The status of a bonus now: an active bonus past its expiry has expired.
-- (A SQL-standard body, bound when it is created: no search_path needed,
-- and it can be inlined.)
CREATE FUNCTION promo_draw.bonus_status_now(b promo_draw.bonus) RETURNS text
	LANGUAGE sql STABLE PARALLEL SAFE
RETURN CASE WHEN b.status = 'active' AND b.expires_at <= now() THEN 'expired' ELSE b.status END;
COMMENT ON FUNCTION promo_draw.bonus_status_now(promo_draw.bonus) IS
	'the status of a bonus now: active bonuses past expires_at count as expired';

CREATE FUNCTION promo_draw.grant_bonus(customer_id bigint, amount numeric, playthrough numeric,
	expires_at timestamptz DEFAULT NULL, min_stake numeric DEFAULT 0)
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_required numeric;
	v_id bigint;
BEGIN
	IF customer_id IS NULL OR min_stake IS NULL THEN
		RAISE EXCEPTION 'customer_id and min_stake must not be null'
			USING ERRCODE = 'null_value_not_allowed', HINT = 'Leave expires_at NULL for no expiry.';
	END IF;
	v_required := promo_draw.playthrough_required(amount, playthrough);
	IF min_stake < 0 OR min_stake > amount THEN
		RAISE EXCEPTION 'min_stake must be between 0 and the amount'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = format('min_stake is %s and the amount %s.', min_stake, amount);
	END IF;
	IF expires_at <= now() THEN
		RAISE EXCEPTION 'a bonus must expire in the future'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = format('expires_at is %s.', expires_at);
	END IF;
	INSERT INTO promo_draw.bonus (customer_id, amount, playthrough, required, min_stake, balance,
	                              expires_at, status, ended_at)
	VALUES (customer_id, amount, playthrough, v_required, min_stake, amount, expires_at,
	        CASE WHEN v_required = 0 THEN 'cleared' ELSE 'active' END,
	        CASE WHEN v_required = 0 THEN now() END)
	RETURNING bonus.bonus_id INTO v_id;
	RETURN v_id;
END
$$;
COMMENT ON FUNCTION promo_draw.grant_bonus(bigint, numeric, numeric, timestamptz, numeric) IS
	'grant a customer a bonus that turns into cash once amount x playthrough has been wagered; returns its id';

-- Raise PD031 for a bonus that is not active.  Only the refusal calls it:
-- the check itself stays in the callers, off any function call.
CREATE FUNCTION promo_draw.bonus_not_active(b promo_draw.bonus) RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	RAISE EXCEPTION 'bonus % is not active', b.bonus_id
		USING ERRCODE = 'PD031',
		      DETAIL = format('It is %s since %s.', promo_draw.bonus_status_now(b),
		                      coalesce(b.ended_at, b.expires_at));
END
$$;
COMMENT ON FUNCTION promo_draw.bonus_not_active(promo_draw.bonus) IS
	'internal: raise PD031, saying what the bonus is and since when';

-- Write a bonus after a bet or win and end it if it is cleared or lost;
-- returns the new status.
CREATE FUNCTION promo_draw.settle_bonus(b promo_draw.bonus) RETURNS text
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_status text := promo_draw.bonus_status_now(b);
BEGIN
	IF v_status = 'active' AND b.wagered >= b.required THEN
		v_status := 'cleared';
		INSERT INTO promo_draw.notification (customer_id, kind, payload)
		VALUES (b.customer_id, 'bonus_cleared',
		        jsonb_build_object('bonus_id', b.bonus_id, 'balance', b.balance));
	ELSIF v_status = 'active' AND b.open_bets = 0
	      AND (b.balance = 0 OR b.balance < b.min_stake) THEN
		v_status := 'lost';
	END IF;
	UPDATE promo_draw.bonus
	SET balance = b.balance, wagered = b.wagered, open_bets = b.open_bets,
	    status = CASE WHEN v_status IN ('cleared', 'lost') THEN v_status ELSE bonus.status END,
	    ended_at = CASE WHEN v_status IN ('cleared', 'lost') AND bonus.status = 'active'
	                    THEN now() ELSE bonus.ended_at END
	WHERE bonus.bonus_id = b.bonus_id;
	RETURN v_status;
END
$$;
COMMENT ON FUNCTION promo_draw.settle_bonus(promo_draw.bonus) IS
	'internal: write a bonus after a bet or win, clearing it (with a bonus_cleared message) or losing it';

CREATE FUNCTION promo_draw.bonus_bet(bonus_id bigint, stake numeric, contribution numeric DEFAULT 1,
	bet_id text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	b promo_draw.bonus;
	v_status text;
BEGIN
	IF bonus_bet.bonus_id IS NULL OR stake IS NULL OR contribution IS NULL THEN
		RAISE EXCEPTION 'bonus_id, stake and contribution must not be null'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF NOT (stake > 0 AND stake < 'Infinity') THEN
		RAISE EXCEPTION 'a stake must be positive and finite'
			USING ERRCODE = 'invalid_parameter_value', DETAIL = format('The stake given was %s.', stake);
	END IF;
	IF NOT (contribution > 0 AND contribution <= 1) THEN
		RAISE EXCEPTION 'contribution must be above 0 and at most 1'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = format('The contribution given was %s.', contribution),
			      HINT = 'It is the share of the stake that counts towards the wagering: 1 for slots, 0.1 for table games, say.';
	END IF;
	IF length(bet_id) NOT BETWEEN 1 AND 200 THEN
		RAISE EXCEPTION 'a bet_id must be 1 to 200 characters long' USING ERRCODE = 'invalid_parameter_value';
	END IF;

	SELECT * INTO b FROM promo_draw.bonus WHERE bonus.bonus_id = bonus_bet.bonus_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'bonus % does not exist', bonus_bet.bonus_id USING ERRCODE = 'PD030';
	END IF;
	-- at-least-once delivery: a bet seen before changes nothing
	IF bet_id IS NOT NULL AND EXISTS (
		SELECT FROM promo_draw.bonus_event e
		WHERE e.bonus_id = b.bonus_id AND e.kind = 'bet' AND e.bet_id = bonus_bet.bet_id) THEN
		RETURN;
	END IF;
	IF promo_draw.bonus_status_now(b) <> 'active' THEN
		PERFORM promo_draw.bonus_not_active(b);
	END IF;
	IF stake < b.min_stake THEN
		RAISE EXCEPTION 'the stake is below the smallest stake bonus % accepts', b.bonus_id
			USING ERRCODE = 'PD033',
			      DETAIL = format('The stake is %s; the smallest accepted is %s.', stake, b.min_stake);
	END IF;
	IF stake > b.balance THEN
		RAISE EXCEPTION 'the stake is more than the balance of bonus %', b.bonus_id
			USING ERRCODE = 'PD032',
			      DETAIL = format('The stake is %s; the balance is %s.', stake, b.balance);
	END IF;

	b.balance := b.balance - stake;
	b.wagered := b.wagered + stake * contribution;
	IF bet_id IS NOT NULL THEN
		b.open_bets := b.open_bets + 1;
	END IF;
	v_status := promo_draw.settle_bonus(b);
	INSERT INTO promo_draw.bonus_event (bonus_id, kind, bet_id, stake, contribution,
	                                    balance_after, wagered_after, status_after)
	VALUES (b.bonus_id, 'bet', bet_id, stake, contribution, b.balance, b.wagered, v_status);
END
$$;
COMMENT ON FUNCTION promo_draw.bonus_bet(bigint, numeric, numeric, text) IS
	'a bet on an active bonus: balance -= stake, wagered += stake x contribution; a bet_id seen before changes nothing';

CREATE FUNCTION promo_draw.bonus_win(bonus_id bigint, amount numeric, bet_id text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	b promo_draw.bonus;
	v_status text;
BEGIN
	IF bonus_win.bonus_id IS NULL OR amount IS NULL THEN
		RAISE EXCEPTION 'bonus_id and amount must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF NOT (amount >= 0 AND amount < 'Infinity') THEN
		RAISE EXCEPTION 'a win must be zero or positive and finite'
			USING ERRCODE = 'invalid_parameter_value', DETAIL = format('The amount given was %s.', amount);
	END IF;

	SELECT * INTO b FROM promo_draw.bonus WHERE bonus.bonus_id = bonus_win.bonus_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'bonus % does not exist', bonus_win.bonus_id USING ERRCODE = 'PD030';
	END IF;
	IF bet_id IS NULL THEN
		IF promo_draw.bonus_status_now(b) <> 'active' THEN
			PERFORM promo_draw.bonus_not_active(b);
		END IF;
	ELSE
		-- the win of a bet: once, and for a bet this bonus took, whatever
		-- the bonus's status now (the bet may have cleared it)
		IF EXISTS (SELECT FROM promo_draw.bonus_event e
		           WHERE e.bonus_id = b.bonus_id AND e.kind = 'win' AND e.bet_id = bonus_win.bet_id) THEN
			RETURN;
		END IF;
		IF NOT EXISTS (SELECT FROM promo_draw.bonus_event e
		               WHERE e.bonus_id = b.bonus_id AND e.kind = 'bet' AND e.bet_id = bonus_win.bet_id) THEN
			RAISE EXCEPTION 'bonus % has no bet %', b.bonus_id, quote_literal(bet_id)
				USING ERRCODE = 'PD034',
				      HINT = 'A win with a bet_id must follow the bet with the same bet_id on the same bonus.';
		END IF;
		b.open_bets := b.open_bets - 1;
	END IF;

	b.balance := b.balance + amount;
	v_status := promo_draw.settle_bonus(b);
	INSERT INTO promo_draw.bonus_event (bonus_id, kind, bet_id, amount, balance_after,
	                                    wagered_after, status_after)
	VALUES (b.bonus_id, 'win', bet_id, amount, b.balance, b.wagered, v_status);
END
$$;
COMMENT ON FUNCTION promo_draw.bonus_win(bigint, numeric, text) IS
	'a win credited to a bonus (0 settles a losing bet); the win of a bet this bonus took counts even after the bet cleared it';

CREATE FUNCTION promo_draw.forfeit_bonus(bonus_id bigint, reason text) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	b promo_draw.bonus;
BEGIN
	IF forfeit_bonus.bonus_id IS NULL OR reason IS NULL THEN
		RAISE EXCEPTION 'bonus_id and reason must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF length(reason) NOT BETWEEN 1 AND 500 THEN
		RAISE EXCEPTION 'a reason must be 1 to 500 characters long' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	SELECT * INTO b FROM promo_draw.bonus WHERE bonus.bonus_id = forfeit_bonus.bonus_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'bonus % does not exist', forfeit_bonus.bonus_id USING ERRCODE = 'PD030';
	END IF;
	IF promo_draw.bonus_status_now(b) <> 'active' THEN
		PERFORM promo_draw.bonus_not_active(b);
	END IF;
	UPDATE promo_draw.bonus
	SET status = 'forfeited', forfeit_reason = reason, ended_at = now()
	WHERE bonus.bonus_id = b.bonus_id;
END
$$;
COMMENT ON FUNCTION promo_draw.forfeit_bonus(bigint, text) IS
	'the operator ends an active bonus, with a reason; its balance is not paid out';

CREATE FUNCTION promo_draw.expire_bonuses() RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_count integer;
BEGIN
	UPDATE promo_draw.bonus
	SET status = 'expired', ended_at = bonus.expires_at
	WHERE bonus.status = 'active' AND bonus.expires_at <= now();
	GET DIAGNOSTICS v_count = ROW_COUNT;
	RETURN v_count;
END
$$;
COMMENT ON FUNCTION promo_draw.expire_bonuses() IS
	'record the expiry of every active bonus past expires_at (for pg_cron); returns how many';

CREATE FUNCTION promo_draw.bonus_state(bonus_id bigint)
RETURNS TABLE (balance numeric, wagered numeric, required numeric, accepts_bets boolean,
               cleared boolean, status text)
LANGUAGE plpgsql STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	b promo_draw.bonus;
BEGIN
	IF bonus_state.bonus_id IS NULL THEN
		RAISE EXCEPTION 'bonus_id must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT * INTO b FROM promo_draw.bonus WHERE bonus.bonus_id = bonus_state.bonus_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'bonus % does not exist', bonus_state.bonus_id USING ERRCODE = 'PD030';
	END IF;
	RETURN QUERY SELECT b.balance, b.wagered, b.required,
	       promo_draw.bonus_status_now(b) = 'active' AND b.balance > 0 AND b.balance >= b.min_stake,
	       b.status = 'cleared', promo_draw.bonus_status_now(b);
END
$$;
COMMENT ON FUNCTION promo_draw.bonus_state(bigint) IS
	'a bonus now: balance, wagered, required, whether it takes bets, whether it cleared, and its status';

/*
 * Privileges of the new functions, as the 0.2.0 install script sets them:
 * revoked from PUBLIC, then given back for the pure ones.
 */
REVOKE EXECUTE ON FUNCTION
	promo_draw.claim_row(regclass, tid[]),
	promo_draw.claim_code_place(text, integer),
	promo_draw.random_code(integer),
	promo_draw.normalize_code(text),
	promo_draw.create_code(text, timestamptz, timestamptz, bigint, jsonb),
	promo_draw.create_codes(text, integer, timestamptz, timestamptz, jsonb),
	promo_draw.redeem(text, bigint),
	promo_draw.cancel_redemption(text, bigint),
	promo_draw.random_permutation(bigint),
	promo_draw.create_instant_win(text, timestamptz, timestamptz),
	promo_draw.add_instant_prizes(bigint, text, integer),
	promo_draw.shuffle_instant_win(bigint),
	promo_draw.instant_win(bigint, bigint),
	promo_draw.playthrough_required(numeric, numeric),
	promo_draw.playthrough_expected_balance(numeric, numeric, numeric),
	promo_draw.simulate_playthrough(numeric, numeric, numeric, numeric, integer, numeric, bigint),
	promo_draw.bonus_status_now(promo_draw.bonus),
	promo_draw.grant_bonus(bigint, numeric, numeric, timestamptz, numeric),
	promo_draw.bonus_not_active(promo_draw.bonus),
	promo_draw.settle_bonus(promo_draw.bonus),
	promo_draw.bonus_bet(bigint, numeric, numeric, text),
	promo_draw.bonus_win(bigint, numeric, text),
	promo_draw.forfeit_bonus(bigint, text),
	promo_draw.expire_bonuses(),
	promo_draw.bonus_state(bigint)
FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
	promo_draw.normalize_code(text),
	promo_draw.random_code(integer),
	promo_draw.random_permutation(bigint),
	promo_draw.playthrough_required(numeric, numeric),
	promo_draw.playthrough_expected_balance(numeric, numeric, numeric),
	promo_draw.simulate_playthrough(numeric, numeric, numeric, numeric, integer, numeric, bigint),
	promo_draw.bonus_status_now(promo_draw.bonus)
TO PUBLIC;
