
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
		INSERT INTO promo_draw.outbox (customer_id, kind, payload)
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
