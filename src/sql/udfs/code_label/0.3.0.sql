CREATE FUNCTION promo_draw.code_label(code text, max_redemptions bigint) RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN CASE WHEN max_redemptions OPERATOR(pg_catalog.=) 1
	            THEN pg_catalog.left(code, GREATEST(pg_catalog.length(code) OPERATOR(pg_catalog.-) 12, 0))
	                 OPERATOR(pg_catalog.||) '************'
	            ELSE code END;
COMMENT ON FUNCTION promo_draw.code_label(text, bigint) IS
	'a promotion code as reports show it: whole for a shared code, without its last 12 characters for a single-use code';
