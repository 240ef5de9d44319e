/*
 * What may be read once a draw is drawn.  Until then the seed and the
 * customers' best tickets are secret: together they would tell who wins.
 * security_barrier keeps a caller's functions from seeing filtered rows.
 */
CREATE VIEW promo_draw.draw_reveal WITH (security_barrier) AS
SELECT d.draw_id, d.seed, d.seed_hash, d.drawn_at
FROM promo_draw.draw d
WHERE d.status = 'drawn';
COMMENT ON VIEW promo_draw.draw_reveal IS
	'the seed of every drawn draw, for anyone to recompute its tickets and results';
