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
