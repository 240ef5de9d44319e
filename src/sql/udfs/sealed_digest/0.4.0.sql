CREATE FUNCTION promo_draw.sealed_digest(draw_id bigint) RETURNS bytea
	AS 'MODULE_PATHNAME', 'sealed_digest'
	LANGUAGE C STABLE STRICT;
COMMENT ON FUNCTION promo_draw.sealed_digest(bigint) IS
	'the entry digest a sealed draw''s entries, prizes and rules give now: its sealed digest while nothing changed';
