CREATE TABLE promo_draw.instant_win (
	instant_win_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	starts_at timestamptz NOT NULL,
	ends_at timestamptz NOT NULL,
	shuffled_at timestamptz,
	created_at timestamptz NOT NULL DEFAULT now(),
	CHECK (starts_at < ends_at)
);
COMMENT ON TABLE promo_draw.instant_win IS
	'an instant-win game: a pool of units shuffled once, before the first play (shuffled_at)';
