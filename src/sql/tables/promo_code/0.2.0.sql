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
