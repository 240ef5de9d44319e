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
	beacon_source text DEFAULT NULL,
	beacon_due_at timestamptz DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	v_caller regrole := promo_draw.calling_role();
	v_draw_id bigint;
	v_milestones integer[];
	v_signature_ok boolean;
	v_identity text;
	v_seed bytea;
BEGIN
	IF create_draw.name IS NULL OR create_draw.closes_at IS NULL OR create_draw.opens_at IS NULL
	   OR create_draw.max_wins_per_customer IS NULL OR create_draw.partitions IS NULL
	   OR create_draw.requires_opt_in IS NULL OR create_draw.milestones IS NULL
	   OR create_draw.min_stake IS NULL OR create_draw.lose_message IS NULL
	   OR create_draw.sealed IS NULL THEN
		RAISE EXCEPTION 'only draw_at, stake_per_ticket, max_tickets_per_customer, default_prize, eligibility, beacon_source and beacon_due_at may be null'
			USING ERRCODE = 'null_value_not_allowed',
			      DETAIL = 'NULL means "none" for those; every other setting needs a value.';
	END IF;
	IF length(create_draw.name) NOT BETWEEN 1 AND 200 THEN
		RAISE EXCEPTION 'a draw name must be 1 to 200 characters long'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF create_draw.opens_at >= create_draw.closes_at THEN
		RAISE EXCEPTION 'a draw must open before it closes'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = format('opens_at is %s and closes_at is %s.', create_draw.opens_at, create_draw.closes_at);
	END IF;
	IF create_draw.draw_at < create_draw.closes_at THEN
		RAISE EXCEPTION 'a draw cannot run before it closes'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = format('draw_at is %s and closes_at is %s.', create_draw.draw_at, create_draw.closes_at);
	END IF;
	PERFORM promo_draw.check_amount(create_draw.stake_per_ticket, 'stake_per_ticket', true),
	        promo_draw.check_amount(create_draw.min_stake, 'min_stake', false);
	IF create_draw.max_wins_per_customer NOT BETWEEN 1 AND 1000 THEN
		RAISE EXCEPTION 'max_wins_per_customer must be between 1 and 1000'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF create_draw.partitions NOT BETWEEN 0 AND 1024 THEN
		RAISE EXCEPTION 'partitions must be between 0 and 1024'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF create_draw.max_tickets_per_customer < 1 THEN
		RAISE EXCEPTION 'max_tickets_per_customer must be at least 1'
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'Leave it NULL for no cap.';
	END IF;
	IF array_position(create_draw.milestones, NULL) IS NOT NULL
	   OR EXISTS (SELECT FROM unnest(create_draw.milestones) m WHERE m < 1) THEN
		RAISE EXCEPTION 'milestones must be ticket counts of 1 or more'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = format('The milestones given were %s.', create_draw.milestones);
	END IF;
	IF create_draw.sealed AND create_draw.beacon_source IS NULL THEN
		RAISE EXCEPTION 'a sealed draw must name its beacon_source'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = 'The public beacon whose value will order the tickets is named in advance, so that nobody can choose among values afterwards.',
			      HINT = 'For example beacon_source => ''drand quicknet'', with beacon_due_at.';
	ELSIF create_draw.sealed AND create_draw.beacon_due_at IS NULL THEN
		RAISE EXCEPTION 'a sealed draw must name when its beacon value is due'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = 'The seal must commit before that time, so that nobody can hold a seal open until the value is known.',
			      HINT = 'Pass beacon_due_at, a little after closes_at: the beacon value published at that time orders the tickets.';
	ELSIF NOT create_draw.sealed AND (create_draw.beacon_source IS NOT NULL OR create_draw.beacon_due_at IS NOT NULL) THEN
		RAISE EXCEPTION 'only a sealed draw takes a beacon_source and a beacon_due_at'
			USING ERRCODE = 'invalid_parameter_value',
			      HINT = 'Pass sealed => true as well, or leave them out.';
	ELSIF length(create_draw.beacon_source) NOT BETWEEN 1 AND 1000 THEN
		RAISE EXCEPTION 'a beacon_source must be 1 to 1000 characters long'
			USING ERRCODE = 'invalid_parameter_value';
	ELSIF create_draw.beacon_due_at <= create_draw.closes_at THEN
		RAISE EXCEPTION 'a sealed draw''s beacon must be due after it closes'
			USING ERRCODE = 'invalid_parameter_value',
			      DETAIL = format('beacon_due_at is %s and closes_at is %s.', create_draw.beacon_due_at, create_draw.closes_at),
			      HINT = 'The draw is sealed once it closes, and the seal must commit before the beacon is due: leave a margin of a few minutes.';
	END IF;
	SELECT coalesce(array_agg(DISTINCT m ORDER BY m), '{}') INTO v_milestones
	FROM unnest(create_draw.milestones) m;

	IF create_draw.eligibility IS NOT NULL THEN
		SELECT p.pronargs = 1 AND p.proargtypes[0] = 'bigint'::regtype
		       AND p.prorettype = 'boolean'::regtype AND NOT p.proretset AND p.prokind = 'f',
		       (pg_identify_object('pg_proc'::regclass, p.oid, 0)).identity
		INTO v_signature_ok, v_identity
		FROM pg_proc p WHERE p.oid = create_draw.eligibility;
		IF NOT FOUND THEN
			RAISE EXCEPTION 'eligibility function % does not exist', create_draw.eligibility::oid
				USING ERRCODE = 'PD009',
				      DETAIL = 'No function has that OID.',
				      HINT = 'Name the function with its arguments, for example ''my_schema.eligible(bigint)''::regprocedure.';
		END IF;
		IF NOT v_signature_ok THEN
			RAISE EXCEPTION 'eligibility must be a function taking a bigint and returning a boolean'
				USING ERRCODE = 'invalid_parameter_value',
				      DETAIL = format('%s does not.', create_draw.eligibility);
		END IF;
		IF NOT has_function_privilege(v_caller, create_draw.eligibility, 'EXECUTE') THEN
			RAISE EXCEPTION 'permission denied for function %', create_draw.eligibility
				USING ERRCODE = 'insufficient_privilege',
				      DETAIL = format('Role %s may not execute the eligibility function it named.', v_caller);
		END IF;
	END IF;

	-- the secrets come from pg_strong_random() and go into draw_secret only;
	-- the draw row gets the seed's hash, published at once (a sealed draw
	-- has no seed)
	IF NOT create_draw.sealed THEN
		v_seed := promo_draw.new_seed();
	END IF;
	INSERT INTO promo_draw.draw (name, opens_at, closes_at, draw_at, partitions,
		max_wins_per_customer, stake_per_ticket, min_stake, max_tickets_per_customer,
		milestones, requires_opt_in, default_prize, lose_message, eligibility,
		eligibility_identity, seed_hash, created_by, sealed, beacon_source, beacon_due_at)
	VALUES (create_draw.name, create_draw.opens_at, create_draw.closes_at,
		coalesce(create_draw.draw_at, create_draw.closes_at), create_draw.partitions,
		create_draw.max_wins_per_customer, create_draw.stake_per_ticket, create_draw.min_stake,
		create_draw.max_tickets_per_customer, v_milestones, create_draw.requires_opt_in,
		create_draw.default_prize, create_draw.lose_message, create_draw.eligibility,
		v_identity, sha256(v_seed), v_caller, create_draw.sealed, create_draw.beacon_source,
		create_draw.beacon_due_at)
	RETURNING draw.draw_id INTO v_draw_id;
	INSERT INTO promo_draw.draw_secret (draw_id, seed, ref_key)
	VALUES (v_draw_id, v_seed, promo_draw.new_seed());

	INSERT INTO promo_draw.partition_mark (draw_id, partition)
	SELECT v_draw_id, p FROM generate_series(0, create_draw.partitions - 1) p;

	RETURN v_draw_id;
END
$$;
COMMENT ON FUNCTION promo_draw.create_draw(text, timestamptz, timestamptz, timestamptz, numeric,
	integer, integer, boolean, integer[], numeric, bigint, text, text, regprocedure, boolean, text,
	timestamptz) IS
	'create a prize draw, with a fresh secret seed or sealed (ordered by the public beacon value due at beacon_due_at, which the seal must precede); returns its draw_id';
