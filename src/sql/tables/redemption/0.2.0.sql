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
