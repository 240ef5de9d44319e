/*
 * What may be read once a draw is drawn.  Until then the seed and the
 * customers' best tickets are secret: together they would tell who wins.
 * security_barrier keeps a caller's functions from seeing filtered rows.
 * The seed lives in draw_secret, which only the extension owner reads.
 */
CREATE VIEW promo_draw.draw_reveal WITH (security_barrier) AS
SELECT d.draw_id, s.seed, d.seed_hash, d.drawn_at
FROM promo_draw.draw d
JOIN promo_draw.draw_secret s ON s.draw_id = d.draw_id
WHERE d.status = 'drawn';
COMMENT ON VIEW promo_draw.draw_reveal IS
	'the seed of every drawn draw, for anyone to recompute its tickets and results';
