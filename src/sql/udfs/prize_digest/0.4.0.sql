CREATE FUNCTION promo_draw.prize_digest(draw_id bigint) RETURNS bytea
	AS 'MODULE_PATHNAME', 'prize_digest'
	LANGUAGE C STABLE STRICT;
COMMENT ON FUNCTION promo_draw.prize_digest(bigint) IS
	'the prize digest a draw''s rules and prize table give now: the one it stored, while nothing changed';
