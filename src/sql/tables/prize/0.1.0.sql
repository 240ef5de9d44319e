CREATE TABLE promo_draw.prize (
	prize_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	draw_id bigint NOT NULL REFERENCES promo_draw.draw,
	name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	value numeric NOT NULL CHECK (value >= 0 AND value < 'Infinity'),
	quantity integer NOT NULL CHECK (quantity BETWEEN 1 AND 10000000),
	payload jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX prize_draw_id_idx ON promo_draw.prize (draw_id);
COMMENT ON TABLE promo_draw.prize IS
	'the prize table of a draw: prizes go out by value, most valuable first, each quantity times';
