-- The entry's invariants (0 <= stake_tickets <= tickets, at most
-- max_wins_per_customer best tickets, none without tickets) are checked by
-- the C code before every write: a CHECK constraint here would be compiled
-- anew on every bet.
CREATE TABLE promo_draw.entry (
	draw_id bigint NOT NULL,
	customer_id bigint NOT NULL,
	tickets bigint NOT NULL DEFAULT 0,
	stake numeric NOT NULL DEFAULT 0,
	stake_tickets bigint NOT NULL DEFAULT 0,
	best uuid[] NOT NULL DEFAULT '{}',
	opted_in boolean NOT NULL DEFAULT false,
	entry_ref uuid NOT NULL,
	PRIMARY KEY (draw_id, customer_id)
) WITH (fillfactor = 80);
COMMENT ON TABLE promo_draw.entry IS
	'one row per customer of a draw: ticket count and only the best tickets, so storage does not grow with tickets';
COMMENT ON COLUMN promo_draw.entry.best IS
	'the best max_wins_per_customer ticket values, best first; secret until the draw has run (see entry_reveal); empty in a sealed draw';
COMMENT ON COLUMN promo_draw.entry.stake_tickets IS 'tickets issued from stake (part of tickets)';
COMMENT ON COLUMN promo_draw.entry.entry_ref IS
	'the entry''s public reference: the first 16 bytes of HMAC-SHA256(draw_secret.ref_key, draw || customer); it stands for the customer in the draw''s public record';
