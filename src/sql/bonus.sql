
/*
 * Playthrough (wagering) bonuses.  A bonus of amount A with playthrough P
 * turns into cash once A x P has been wagered.  Bets, wins and forfeits
 * are in C (src/wagering.c).  Every bet and win is an
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




CREATE FUNCTION promo_draw.bonus_bet(bonus_id bigint, stake numeric, contribution numeric DEFAULT 1,
	bet_id text DEFAULT NULL)
	RETURNS void
	AS 'MODULE_PATHNAME', 'bonus_bet'
	LANGUAGE C VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION promo_draw.bonus_bet(bigint, numeric, numeric, text) IS
	'a bet on an active bonus: balance -= stake, wagered += stake x contribution; a bet_id seen before changes nothing';

CREATE FUNCTION promo_draw.bonus_win(bonus_id bigint, amount numeric, bet_id text DEFAULT NULL)
	RETURNS void
	AS 'MODULE_PATHNAME', 'bonus_win'
	LANGUAGE C VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION promo_draw.bonus_win(bigint, numeric, text) IS
	'a win credited to a bonus (0 settles a losing bet); the win of a bet this bonus took counts even after the bet cleared it';

CREATE FUNCTION promo_draw.forfeit_bonus(bonus_id bigint, reason text)
	RETURNS void
	AS 'MODULE_PATHNAME', 'forfeit_bonus'
	LANGUAGE C VOLATILE SECURITY DEFINER
	SET search_path = pg_catalog, pg_temp;
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
