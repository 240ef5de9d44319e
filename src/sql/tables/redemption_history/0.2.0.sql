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
