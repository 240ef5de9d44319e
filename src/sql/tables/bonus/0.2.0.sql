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
