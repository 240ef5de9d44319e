
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
	capacity bigint NOT NULL CHECK (capacity >= 0),
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

-- reports without secrets: code_label (src/sql/code_label.sql)
CREATE VIEW promo_draw.code_report AS
SELECT promo_draw.code_label(s.code, s.max_redemptions) AS code_label,
       s.max_redemptions = 1 AS single_use,
       s.starts_at, s.ends_at, s.max_redemptions, s.redeemed, s.cancelled, s.remaining, s.reward
FROM promo_draw.code_summary s;
COMMENT ON VIEW promo_draw.code_report IS
	'code_summary for reporting roles: single-use codes are shown without their last 12 characters';

CREATE VIEW promo_draw.redemption_report AS
SELECT promo_draw.code_label(r.code, c.max_redemptions) AS code_label, r.customer_id,
       r.redeemed_at, r.cancelled_at, false AS archived
FROM promo_draw.redemption r
JOIN promo_draw.promo_code c ON c.code = r.code
UNION ALL
SELECT promo_draw.code_label(h.code, c.max_redemptions), h.customer_id,
       h.redeemed_at, h.cancelled_at, true
FROM promo_draw.redemption_history h
JOIN promo_draw.promo_code c ON c.code = h.code;
COMMENT ON VIEW promo_draw.redemption_report IS
	'every redemption, valid, cancelled and archived, for reporting roles: single-use codes are shown without their last 12 characters';
