/*
 * A draw's secrets, in a table of their own so that nothing that copies
 * promo_draw.draw (a publication, a reporting replica's column grants, a
 * dump of the draws' summaries) carries them: the seed (NULL for a sealed
 * draw), readable by the extension owner only until the draw is drawn
 * (draw_reveal), and the key of its entry references, which is never
 * published.
 */
CREATE TABLE promo_draw.draw_secret (
	draw_id bigint PRIMARY KEY REFERENCES promo_draw.draw,
	seed bytea CHECK (length(seed) = 32),
	ref_key bytea NOT NULL CHECK (length(ref_key) = 32)
);
COMMENT ON TABLE promo_draw.draw_secret IS
	'the secrets of each draw: its seed (revealed in draw_reveal once drawn) and the key of its entry references (never published)';
COMMENT ON COLUMN promo_draw.draw_secret.seed IS
	'32 secret bytes from pg_strong_random(); every ticket is HMAC-SHA256(seed, draw || customer || n); NULL for a sealed draw';
COMMENT ON COLUMN promo_draw.draw_secret.ref_key IS
	'32 secret bytes from pg_strong_random(); a customer''s entry_ref is the first 16 bytes of HMAC-SHA256(ref_key, draw || customer)';
