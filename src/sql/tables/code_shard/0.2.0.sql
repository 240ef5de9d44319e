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
