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
