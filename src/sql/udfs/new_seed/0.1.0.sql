CREATE FUNCTION promo_draw.new_seed() RETURNS bytea
	AS 'MODULE_PATHNAME', 'new_seed'
	LANGUAGE C VOLATILE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION promo_draw.new_seed() IS
	'32 bytes from pg_strong_random() for a new draw''s seed; fails rather than fall back to a weaker source';
