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
